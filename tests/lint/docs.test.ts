/** The generated rule docs and the published config schema must match the code (run scripts/gen-rule-docs.mjs). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfigSchema } from '../../src/config/schema.js';
import { buildValidatorSource } from '../../src/config/validator-source.js';
import { builtinRules, ruleDoc, rulesIndex } from '../../src/lint/index.js';
import { repoRoot } from './helpers.js';

const stale = 'is stale: run `npx tsc -p . && node scripts/gen-rule-docs.mjs`';

describe('generated docs', () => {
  it.each(builtinRules.map((rule) => [rule.meta.id, rule] as const))('docs/rules/%s.md is up to date', (id, rule) => {
    const file = path.join(repoRoot, 'docs/rules', `${id}.md`);
    expect(readFileSync(file, 'utf8'), `${file} ${stale}`).toBe(ruleDoc(rule));
  });

  it('docs/rules/README.md is up to date', () => {
    expect(readFileSync(path.join(repoRoot, 'docs/rules/README.md'), 'utf8'), stale).toBe(rulesIndex(builtinRules));
  });

  it('src/config/generated-validators.ts (precompiled ajv validators) is up to date', () => {
    expect(readFileSync(path.join(repoRoot, 'src/config/generated-validators.ts'), 'utf8'), stale).toBe(buildValidatorSource(builtinRules));
  });

  it('schemas/sdprompt.config.schema.json is up to date', () => {
    const published = JSON.parse(readFileSync(path.join(repoRoot, 'schemas/sdprompt.config.schema.json'), 'utf8'));
    expect(published, stale).toEqual(buildConfigSchema(builtinRules));
  });
});
