/**
 * Every fixture (tests/format/fixtures/*.sdprompt) and every example (examples/*.sdprompt):
 * the two formatter properties under every compared step setting, and for the fixtures the
 * reviewed golden output (NAME.formatted.sdprompt).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { format } from '../../src/format/index.js';
import { sameFileMeaning } from '../../src/format/equivalence.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const fixtureDir = path.join(here, 'fixtures');

function promptFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => name.endsWith('.sdprompt') && !name.endsWith('.formatted.sdprompt')).map((name) => path.join(dir, name));
}

const fixtures = promptFiles(fixtureDir);
const examples = promptFiles(path.join(repoRoot, 'examples'));

function checkProperties(file: string): string | undefined {
  const text = readFileSync(file, 'utf8');
  const result = format(text);
  if ('error' in result) return undefined;
  const again = format(result.output);
  expect('error' in again ? again.error : again.output).toBe(result.output);
  expect(sameFileMeaning(text, result.output)).toEqual({ same: true });
  return result.output;
}

describe('format fixtures', () => {
  it('has fixtures to check', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures.map((file) => [path.basename(file), file]))('%s matches its golden output', (_name, file) => {
    const output = checkProperties(file);
    const golden = readFileSync(file.replace(/\.sdprompt$/, '.formatted.sdprompt'), 'utf8');
    expect(output).toBe(golden);
    // A golden file is itself formatted.
    expect(format(golden)).toEqual({ output: golden, changed: false });
  });
});

describe.runIf(examples.length > 0)('examples', () => {
  it.each(examples.map((file) => [path.basename(file), file]))('%s: idempotent, same meaning', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const result = format(text);
    // The examples are real prompt files: they must have no syntax errors.
    expect('error' in result ? result.error.map((error) => error.message) : []).toEqual([]);
    checkProperties(file);
    // The examples show the house style: `sdprompt fmt --check examples` passes.
    expect('error' in result ? undefined : result.output).toBe(text);
  });
});
