import { describe, expect, it } from 'vitest';
import { conditionA1111, loraUses, parseExtraNetworks, splitAnd, toExplainJson, stringifyPythonJson } from '../../src/semantics/a1111/index.js';

// Expected values below were printed by A1111's own re_AND/re_weight and extra_networks.parse_prompt
// (run locally with python3; see docs/semantics.md "How this was verified").
describe('splitAnd (re_AND + re_weight)', () => {
  it.each([
    ['a AND b', [['a', 1.0], [' b', 1.0]]],
    ['a AND b:0.5', [['a', 1.0], [' b', 0.5]]],
    ['a : 1.5  ', [['a', 1.5]]],
    ['ANDROID AND x', [['ANDROID', 1.0], [' x', 1.0]]],
    ['a AND', [['a', 1.0], ['', 1.0]]],
    ['AND', [['', 1.0], ['', 1.0]]],
    ['a:1.', [['a', 1.0]]],
    ['a:.5', [['a', 0.5]]],
    ['a:1.5.', [['a:1.5.', 1.0]]],
    ['a:-2', [['a', -2.0]]],
    ['  a  :  +3  ', [['  a', 3.0]]],
    ['a\u00a0AND\u00a0b', [['a', 1.0], ['\u00a0b', 1.0]]],
    ['éAND b', [['éAND b', 1.0]]], // Python's \b is Unicode: é is a word character
    ['a AND b :x', [['a', 1.0], [' b :x', 1.0]]],
    ['x:1:2', [['x:1', 2.0]]],
  ] as Array<[string, Array<[string, number]>]>)('%j', (prompt, expected) => {
    expect(splitAnd(prompt).map((p) => [p.text, p.weight])).toEqual(expected);
  });
});

describe('parseExtraNetworks (re_extra_net)', () => {
  it('strips every tag and orders calls by type of first appearance, then text order', () => {
    const result = parseExtraNetworks('<lora:a:0.5> x <hypernet:h:1> <lora:b> <JL_sectionplan:0.1> <lora:c:te=0.2:unet=0.3>');
    expect(result.text).toBe(' x    ');
    expect(result.calls.map((c) => [c.type, c.args])).toEqual([
      ['lora', ['a', '0.5']],
      ['lora', ['b']],
      ['lora', ['c', 'te=0.2', 'unet=0.3']],
      ['hypernet', ['h', '1']],
      ['JL_sectionplan', ['0.1']],
    ]);
    expect(result.textualCalls.map((c) => c.type)).toEqual(['lora', 'hypernet', 'lora', 'JL_sectionplan', 'lora']);
  });

  it.each([
    ['<lora:>', '<lora:>', []],
    ['<a b:c>', '<a b:c>', []],
    ['<é_1:x:y>', '', [['é_1', ['x', 'y']]]],
    ['<lora:a<b:1>', '', [['lora', ['a<b', '1']]]],
    ['<lora:x:0.5\n>', '', [['lora', ['x', '0.5\n']]]],
  ] as Array<[string, string, Array<[string, string[]]>]>)('%j', (prompt, text, calls) => {
    const result = parseExtraNetworks(prompt);
    expect(result.text).toBe(text);
    expect(result.calls.map((c) => [c.type, c.args])).toEqual(calls);
  });

  it('keeps offsets of the tags and of the remaining text', () => {
    const prompt = 'a <lora:x:1> b';
    const result = parseExtraNetworks(prompt);
    expect(result.calls[0]).toMatchObject({ textStart: 2, textEnd: 12 });
    expect(result.origins).toEqual([0, 1, 12, 13]);
  });
});

describe('loraUses (extra_networks_lora.py rules)', () => {
  const uses = (prompt: string) => loraUses(parseExtraNetworks(prompt).calls).map(({ range: _r, ...rest }) => rest);
  it.each([
    ['<lora:n>', { type: 'lora', name: 'n', te: 1, unet: 1, explicitWeight: false }],
    ['<lora:n:0.6>', { name: 'n', te: 0.6, unet: 0.6, explicitWeight: true }],
    ['<lora:n:0.6:0.2>', { te: 0.6, unet: 0.2 }],
    ['<lora:n:0.6:0.2:8>', { te: 0.6, unet: 0.2, dyn: 8 }],
    ['<lora:n:te=0.3>', { te: 0.3, unet: 0.3 }],
    ['<lora:n:1:unet=0.5>', { te: 1, unet: 0.5 }],
    ['<lora:n:0.5:te=0.9>', { te: 0.9, unet: 0.9 }], // unet defaults to te after the te= override
    ['<lora:n:dyn=4>', { te: 1, unet: 1, dyn: 4 }],
    ['<lyco:n:0.7>', { type: 'lyco', te: 0.7, unet: 0.7 }],
    ['<lora:n: 1e-1 >', { te: 0.1 }],
  ] as Array<[string, Record<string, unknown>]>)('%s', (prompt, expected) => {
    const [use] = uses(prompt);
    expect(use).toMatchObject(expected);
    expect(use!.error).toBeUndefined();
  });

  it('reports what Python float()/int() would raise', () => {
    expect(uses('<lora:n:abc>')[0]!.error).toMatch(/could not convert string to float: 'abc'/);
    expect(uses('<lora:n:1:1:2.5>')[0]!.error).toMatch(/invalid literal for int\(\) with base 10: '2.5'/);
  });

  it('ignores other network types', () => {
    expect(uses('<hypernet:h:1> <JL_sectionplan:0.1>')).toEqual([]);
  });
});

describe('conditionA1111', () => {
  it('strips networks first, then splits AND, then schedules, then attention', () => {
    const condition = conditionA1111('a [b:3] (c:1.2) <lora:x:0.5> AND d:0.5', { steps: 10 });
    expect(toExplainJson(condition)).toEqual({
      networks: [{ type: 'lora', args: ['x', '0.5'] }],
      subprompts: [
        { weight: 1, schedules: [{ step: 3, attention: [['a  ', 1], ['c', 1.2]] }, { step: 10, attention: [['a b ', 1], ['c', 1.2]] }] },
        { weight: 0.5, schedules: [{ step: 10, attention: [[' d', 1]] }] },
      ],
    });
  });

  it('reports where A1111 itself raises', () => {
    expect(toExplainJson(conditionA1111('a (b:1..2)', { steps: 10 }))).toEqual({
      error: "ValueError: could not convert string to float: '1..2'",
    });
    expect(conditionA1111('[a:b:1e999]', { steps: 10 }).error).toMatch(/OverflowError/);
  });

  it('maps attention characters back to the original prompt through all stages', () => {
    const prompt = '<lora:x:1>pre [a:b:2] (c) AND d BREAK e:0.7';
    const condition = conditionA1111(prompt, { steps: 4 });
    for (const part of condition.subprompts)
      for (const step of part.schedules)
        for (const segment of step.attention) [...segment.text].forEach((char, i) => expect(prompt[segment.origins[i]!]).toBe(char));
  });

  it('handles a thousand unclosed brackets like A1111 (all literal, no recursion limit)', () => {
    // A1111's value (prompt_parser.py run locally): 1.1 applied 1000 times in order.
    const condition = conditionA1111('('.repeat(1000) + 'a', { steps: 10 });
    expect(condition.error).toBeUndefined();
    expect(toExplainJson(condition).subprompts![0]!.schedules[0]!.attention).toEqual([['a', 2.4699329180060276e41]]);
    expect(conditionA1111('('.repeat(20000) + 'a', { steps: 10 }).error).toBeUndefined();
  });

  it('prints non-finite weights the way Python json.dumps does', () => {
    expect(stringifyPythonJson({ w: Infinity, v: [-Infinity, NaN, 1.5] })).toBe('{"w":Infinity,"v":[-Infinity,NaN,1.5]}');
  });
});
