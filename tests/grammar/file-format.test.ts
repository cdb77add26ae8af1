import { describe, expect, it } from 'vitest';
import { parse, type Range } from '../../src/index.js';

const slice = (text: string, range: Range) => text.slice(range.start.offset, range.end.offset);
const codes = (text: string) => parse(text).diagnostics.map((diagnostic) => diagnostic.code);

describe('structured form', () => {
  const text = [
    '# A house for one family',
    '@params',
    'steps: 30',
    'size: 512x768',
    '',
    '@fragment style',
    'section plan, JL_section plan',
    '',
    '@negative',
    'bad quality, bad line, bad windows',
    '',
    '@prompt house',
    'a house for one family,',
    '  # a comment between prompt lines',
    '${style}',
    '@negative',
    'blurry',
    '@params',
    'seed: 42',
    '',
    '@prompt second',
    '\\# a literal hash',
    '\\@ a literal at',
    '',
  ].join('\n');
  const { ast, diagnostics } = parse(text);

  it('reads directives, sections and comments', () => {
    expect(diagnostics).toEqual([]);
    expect(ast.form).toBe('structured');
    expect(ast.comments.map((comment) => comment.text)).toEqual([' A house for one family', ' a comment between prompt lines']);
    expect(ast.blocks).toHaveLength(1);
    expect(ast.blocks[0]!.entries.map((entry) => [entry.key, entry.value?.value])).toEqual([['steps', '30'], ['size', '512x768']]);
    expect(ast.fragments.map((fragment) => [fragment.name, fragment.text.text])).toEqual([['style', 'section plan, JL_section plan']]);
    expect(ast.negative?.text).toBe('bad quality, bad line, bad windows');
    expect(ast.prompts.map((prompt) => prompt.name)).toEqual(['house', 'second']);
  });

  it('joins prompt lines with "\\n", drops comment lines and keeps a source map', () => {
    const house = ast.prompts[0]!;
    expect(house.positive.text).toBe('a house for one family,\n${style}');
    const newline = house.positive.text.indexOf('\n');
    expect(text[house.positive.sourceMap[newline]!]).toBe('\n');
    const dollar = house.positive.text.indexOf('$');
    expect(text.slice(house.positive.sourceMap[dollar]!, house.positive.sourceMap[dollar]! + 8)).toBe('${style}');
    expect(house.positive.body.map((node) => node.kind)).toEqual(['text', 'comma', 'text', 'fragment-ref']);
    const reference = house.positive.body[3]!;
    expect(reference.range.start.line).toBe(14);
    expect(house.negative?.text).toBe('blurry');
    expect(house.blocks.map((block) => block.block)).toEqual(['params']);
    expect(house.blocks[0]!.entries[0]!.key).toBe('seed');
  });

  it('keeps escaped # and @ as prompt text (A1111 reads \\# as #)', () => {
    const second = ast.prompts[1]!;
    expect(second.positive.text).toBe('\\# a literal hash\n\\@ a literal at');
    expect(second.positive.body[0]).toMatchObject({ kind: 'text', value: '# a literal hash\n@ a literal at' });
    expect(second.negative).toBeUndefined();
  });

  it('gives entries key and value ranges', () => {
    const entry = ast.blocks[0]!.entries[1]!;
    expect(slice(text, entry.keyRange)).toBe('size');
    expect(slice(text, entry.value!.range)).toBe('512x768');
    expect(entry.keyRange.start).toEqual({ offset: text.indexOf('size:'), line: 3, column: 0 });
  });
});

describe('structured form: text before any directive', () => {
  it('is an unnamed prompt that later @negative and @params belong to', () => {
    const { ast, diagnostics } = parse('a house\n@negative\nbad\n@params\nsteps: 5\n');
    expect(diagnostics).toEqual([]);
    expect(ast.prompts).toHaveLength(1);
    expect(ast.prompts[0]).toMatchObject({ positive: { text: 'a house' }, negative: { text: 'bad' } });
    expect(ast.prompts[0]!.name).toBeUndefined();
    expect(ast.prompts[0]!.blocks).toHaveLength(1);
    expect(ast.blocks).toHaveLength(0);
  });
});

describe('structured form: values', () => {
  it('reads JSON-quoted values', () => {
    const { ast, diagnostics } = parse('@params\ncheckpoint: "a, b: \\"c\\""\nvae:   plain value  \n');
    expect(diagnostics).toEqual([]);
    const [quoted, plain] = ast.blocks[0]!.entries;
    expect(quoted!.value).toMatchObject({ value: 'a, b: "c"', quoted: true });
    expect(plain!.value).toMatchObject({ value: 'plain value', raw: 'plain value', quoted: false });
  });

  it.each([
    ['@params\nx: "abc\n', 'syntax/unterminated-string'],
    ['@params\nx: "a" b\n', 'syntax/text-after-string'],
    ['@params\nx: "\\q"\n', 'syntax/bad-string'],
    ['@params\njust text\n', 'syntax/bad-param-line'],
  ])('%j → %s', (input, code) => {
    expect(codes(input)).toEqual([code]);
  });
});

describe('structured form: directive errors', () => {
  it('suggests the closest directive for a typo', () => {
    const { diagnostics } = parse('@promt house\na\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: 'syntax/unknown-directive', severity: 'error' });
    expect(diagnostics[0]!.message).toContain("'@prompt'");
    expect(diagnostics[0]!.suggestions?.[0]?.edits).toEqual([{ start: 1, end: 6, newText: 'prompt' }]);
  });

  it('offers to move text after @negative to the next line', () => {
    const text = '@prompt\na\n@negative bad quality\n';
    const { diagnostics } = parse(text);
    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['syntax/directive-argument']);
    expect(slice(text, diagnostics[0]!.range)).toBe('bad quality');
    expect(diagnostics[0]!.fix?.edits).toEqual([{ start: 19, end: 20, newText: '\n' }]);
  });

  it.each([
    ['@prompt a\nx\n@prompt a\ny\n', ['syntax/duplicate-name']],
    ['@fragment\nx\n', ['syntax/missing-name']],
    ['@fragment a b\nx\n', ['syntax/bad-name']],
    ['@include\n', ['syntax/missing-path']],
    ['@prompt\na\n@negative\nb\n@negative\nc\n', ['syntax/duplicate-negative']],
    ['@\n', ['syntax/unknown-directive']],
  ])('%j', (input, expected) => {
    expect(codes(input)).toEqual(expected);
  });

  it('reads @include paths quoted or bare', () => {
    const { ast } = parse('@include "shared/neg.sdprompt"\n@include other.sdprompt\n');
    expect(ast.includes.map((include) => include.path)).toEqual(['shared/neg.sdprompt', 'other.sdprompt']);
  });
});

describe('bare form', () => {
  it('is the whole text, comment lines removed, outer blank lines trimmed', () => {
    const { ast, diagnostics } = parse('\n\na house, <lora:x:0.5>\n# note\n\nsecond line\n');
    expect(diagnostics).toEqual([]);
    expect(ast.form).toBe('bare');
    expect(ast.prompts).toHaveLength(1);
    expect(ast.prompts[0]!.positive.text).toBe('a house, <lora:x:0.5>\n\nsecond line');
    expect(ast.comments).toHaveLength(1);
  });

  it('handles the empty document', () => {
    const { ast, diagnostics } = parse('');
    expect(diagnostics).toEqual([]);
    expect(ast.prompts[0]!.positive.text).toBe('');
    expect([...ast.prompts[0]!.positive.sourceMap]).toEqual([0]);
  });
});

describe('infotext form (A1111 parse_generation_parameters)', () => {
  it('reads prompt, negative and the parameters line', () => {
    const text = '  a photo,  \n  of a house\nNegative prompt:   bad quality  \nsecond negative line\nSteps: 20, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7, Seed: 1, Size: 512x768, Lora hashes: "a: 1, b: 2", Version: v1.10.1';
    const { ast, diagnostics } = parse(text);
    expect(diagnostics).toEqual([]);
    expect(ast.form).toBe('infotext');
    const prompt = ast.prompts[0]!;
    // A1111 strips every line.
    expect(prompt.positive.text).toBe('a photo,\nof a house');
    expect(prompt.negative?.text).toBe('bad quality\nsecond negative line');
    expect(ast.infotext?.map((entry) => [entry.key, entry.value?.value])).toEqual([
      ['Steps', '20'],
      ['Sampler', 'DPM++ 2M'],
      ['Schedule type', 'Karras'],
      ['CFG scale', '7'],
      ['Seed', '1'],
      ['Size', '512x768'],
      ['Lora hashes', 'a: 1, b: 2'],
      ['Version', 'v1.10.1'],
    ]);
    const hashes = ast.infotext![6]!;
    expect(slice(text, hashes.value!.range)).toBe('"a: 1, b: 2"');
    expect(ast.blocks[0]!.entries).toBe(ast.infotext);
  });

  it('needs at least 3 parameters on the last line, else it is prompt text', () => {
    const two = parse('a photo\nSteps: 20, Sampler: Euler a');
    expect(two.ast.form).toBe('bare');
    expect(two.ast.prompts[0]!.positive.text).toBe('a photo\nSteps: 20, Sampler: Euler a');
    const withNegative = parse('a photo\nNegative prompt: b\nSteps: 20, Sampler: Euler a');
    expect(withNegative.ast.form).toBe('infotext');
    expect(withNegative.ast.prompts[0]!.negative?.text).toBe('b\nSteps: 20, Sampler: Euler a');
    expect(withNegative.ast.infotext).toBeUndefined();
  });

  it('reads a parameters line with no prompt', () => {
    const { ast } = parse('Steps: 20, Sampler: Euler a, Seed: 5');
    expect(ast.form).toBe('infotext');
    expect(ast.prompts[0]!.positive.text).toBe('');
    expect(ast.infotext).toHaveLength(3);
  });
});

describe('parse options', () => {
  it('forces a form', () => {
    const { ast } = parse('a photo\nNegative prompt: b', { form: 'bare' });
    expect(ast.form).toBe('bare');
    expect(ast.prompts[0]!.positive.text).toBe('a photo\nNegative prompt: b');
  });
});
