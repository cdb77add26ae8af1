import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinRules, lint } from '../../src/lint/index.js';
import { ANNOTATIONS_PER_LEVEL, escapeData, escapeProperty, reporters, toEslintResults, toSarif, type FileReport } from '../../src/lint/reporters/index.js';
import { repoRoot } from './helpers.js';

const cwd = '/project';
const context = { cwd, color: false, rules: builtinRules, version: '0.1.0', quiet: false };

function report(relative: string, source: string): FileReport {
  return { filePath: path.join(cwd, relative), source, result: lint(source) };
}

const sample = report('prompts/a.sdprompt', '@prompt\na house, , garden <JL_sectionplan:0.1>, (((x)))\n@negative\nbad, <lora:y:1>\n');

describe('json (ESLint shape)', () => {
  it('has ESLint fields, 1-based positions, severities 1|2 and single-edit fixes', () => {
    const [result] = toEslintResults([sample], false);
    expect(Object.keys(result!).sort()).toEqual(
      ['errorCount', 'fatalErrorCount', 'filePath', 'fixableErrorCount', 'fixableWarningCount', 'messages', 'source', 'warningCount'].sort(),
    );
    const shorthand = result!.messages.find((message) => message.ruleId === 'lora/shorthand')!;
    expect(shorthand).toMatchObject({ severity: 2, line: 2, column: 19, endLine: 2, endColumn: 39 });
    expect(shorthand.fix).toEqual({ range: [27, 27], text: 'lora:' });
    const nesting = result!.messages.find((message) => message.ruleId === 'emphasis/deep-nesting')!;
    // Two edits become one ESLint fix spanning both.
    expect(sample.source.slice(0, nesting.fix!.range[0]) + nesting.fix!.text + sample.source.slice(nesting.fix!.range[1])).toContain('(x:1.331)');
    expect(result!.errorCount).toBe(1);
    expect(result!.warningCount).toBe(result!.messages.filter((message) => message.severity === 1).length);
    expect(result!.fixableErrorCount).toBe(1);
  });
});

describe('sarif', () => {
  it('validates against the SARIF 2.1.0 schema', async () => {
    const require = createRequire(import.meta.url);
    const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
    // The SARIF schema is draft-04 (`id`); ajv 6, which @microsoft/jest-sarif itself uses, reads draft-04.
    const sarifRequire = createRequire(schemaPath);
    const Ajv6 = sarifRequire('ajv');
    const ajv = new Ajv6({ schemaId: 'id', allErrors: true, unknownFormats: 'ignore' });
    ajv.addMetaSchema(sarifRequire('ajv/lib/refs/json-schema-draft-04.json'));
    const validate = ajv.compile(schema);
    const log = toSarif([sample, report('b.sdprompt', 'fine, tags')], context);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator does reject a broken log (so the check above can fail).
    expect(validate({ ...log, runs: [{ ...log.runs[0], results: [{ ...log.runs[0]!.results[0], level: 'fatal' }] }] })).toBe(false);
    const results = log.runs[0]!.results;
    expect(results.length).toBe(sample.result.diagnostics.length);
    const first = results.find((result) => result.ruleId === 'lora/shorthand')!;
    expect(first.level).toBe('error');
    expect(first.locations[0]!.physicalLocation.artifactLocation.uri).toBe('prompts/a.sdprompt');
    expect(first.locations[0]!.physicalLocation.region).toEqual({ startLine: 2, startColumn: 19, endLine: 2, endColumn: 39 });
    expect(log.runs[0]!.tool.driver.rules[first.ruleIndex!]!.id).toBe('lora/shorthand');
  });
});

describe('github annotations', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
    const output = reporters.github!([report('we,ird:name.sdprompt', '@prompt\na, , b\n')], context);
    expect(output).toContain('::warning file=we%2Cird%3Aname.sdprompt,line=2,col=2,endLine=2,endColumn=5,title=prompt/empty-tag::Empty tag');
  });

  it('annotates at most 10 per level and prints the rest as log lines with a summary', () => {
    const many = report('many.sdprompt', '@prompt\n' + Array.from({ length: 25 }, (_, i) => `t${i}, , u${i},`).join('\n') + '\n');
    const lines = reporters.github!([many], context).trimEnd().split('\n');
    expect(lines.filter((line) => line.startsWith('::warning'))).toHaveLength(ANNOTATIONS_PER_LEVEL);
    expect(lines.filter((line) => line.startsWith('many.sdprompt:'))).toHaveLength(15);
    expect(lines[lines.length - 1]).toMatch(/0 error\(s\), 25 warning\(s\), 0 notice\(s\); 15 shown above as log lines only/);
  });
});

describe('stylish', () => {
  it('lists problems per file with a summary, coloured only when asked', () => {
    const plain = reporters.stylish!([sample], context);
    expect(plain).toContain('prompts/a.sdprompt\n');
    expect(plain).toMatch(/2:19 +error +'<JL_sectionplan:0.1>' is not a LoRA tag.*lora\/shorthand/);
    expect(plain).toMatch(/✖ \d+ problems \(1 error, \d+ warnings\)/);
    expect(plain).not.toContain('\u001b[');
    expect(reporters.stylish!([sample], { ...context, color: true })).toContain('\u001b[31m');
    expect(reporters.stylish!([report('ok.sdprompt', 'a house')], context)).toBe('');
  });
});
