import { describe, expect, it } from 'vitest';
import { parsePromptText, type EmphasisNode, type NetworkNode } from '../../src/index.js';
import { show } from './show.js';

/** [input, expected tree, expected diagnostic codes]; trees follow A1111's reading (see show.ts). */
const cases: Array<[string, string, string[]]> = [
  ['normal text', "'normal text'", []],
  ['an (important) word', "'an ' ('important') ' word'", []],
  ['(x:1.5)', "('x':1.5)", []],
  ['( x : 1.5 )', "(' x ':1.5)", []],
  ['[x]', "['x']", []],
  ['a, b', "'a' , ' b'", []],
  ['(unbalanced', "('unbalanced'…", ['syntax/unclosed-bracket']],
  ['a [unbalanced', "'a ' ['unbalanced'…", ['syntax/unclosed-bracket']],
  ['\\(literal\\]', "'\\(literal\\]'", []],
  ['a) b', "'a' err')' ' b'", ['syntax/unmatched-bracket']],
  ['a] b', "'a' err']' ' b'", ['syntax/unmatched-bracket']],
  // Schedules: A1111's `scheduled` production.
  ['a [b:3]', "'a ' sched{-|'b'|3}", []],
  ['a [b: 3]', "'a ' sched{-|'b'|3}", []],
  ['a [b : c : 1] d', "'a ' sched{'b '|' c '|1} ' d'", []],
  ['[a::3]', "sched{'a'||3}", []],
  ['[:b:.5]', "sched{|'b'|.5}", []],
  ['a [[[b]]:2]', "'a ' sched{-|[['b']]|2}", []],
  ['[(a:2):3]', "sched{-|('a':2)|3}", []],
  ['a[b:[c:d:2]:1]e', "'a' sched{'b'|sched{'c'|'d'|2}|1} 'e'", []],
  ['[a:1e3]', "sched{-|'a'|1e3}", []],
  // Not a number after the last ':' → not a schedule: de-emphasis of the text as written.
  ['[a:b]', "['a' ':' 'b']", []],
  ['[a:b:c:1]', "['a' ':' 'b' ':' 'c' ':' '1']", []],
  // Alternation.
  ['[fe|]male', "alt{'fe'|} 'male'", []],
  ['[fe|||]male', "alt{'fe'|||} 'male'", []],
  ['[a|(b:1.1)]', "alt{'a'|('b':1.1)}", []],
  ['a|b', "'a' '|' 'b'", ['syntax/stray-pipe']],
  ['(a|b)', "('a' '|' 'b')", ['syntax/stray-pipe']],
  // Escapes: `\` takes the next character (A1111 schedule grammar `\\.`); `\:` and `\|` are text.
  ['a\\:1.2', "'a\\:1.2'", []],
  ['\\[a|b\\]', "'\\[a' '|' 'b\\]'", ['syntax/stray-pipe']],
  ['\\# x', "'\\# x'", []],
  // BREAK and AND are keywords only on Python's Unicode word boundaries.
  ['a BREAK b', "'a ' BREAK ' b'", []],
  ['aBREAK b', "'aBREAK b'", []],
  ['BREAKING news', "'BREAKING news'", []],
  ['a,BREAK,b', "'a' , BREAK , 'b'", []],
  ['éAND x', "'éAND x'", []],
  ['cat AND dog', "'cat ' AND ' dog'", []],
  ['cat:1.2 AND dog :0.5', "'cat' andw:1.2 ' ' AND ' dog ' andw:0.5", []],
  ['cat :1. AND dog', "'cat ' andw:1. ' ' AND ' dog'", []],
  ['cat :1.2 <lora:x:1>', "'cat ' andw:1.2 ' ' net(lora:[x,1])", []],
  ['cat :1.2 dog', "'cat ' ':' '1.2 dog'", []],
  ['(a:1.2', "('a' andw:1.2…", ['syntax/unclosed-bracket']],
  // Extra networks: A1111 `<(\w+):([^>]+)>`.
  ['<lora:JL_sectionplan:0.6>', 'net(lora:[JL_sectionplan,0.6])', []],
  ['<JL_sectionplan:0.1>', 'net?(JL_sectionplan:[0.1])', []],
  ['<lora:name>', 'net(lora:[name])', []],
  ['<lora:a:0.5:0.8:8>', 'net(lora:[a,0.5,0.8,8])', []],
  ['<lora:a:te=0.5:unet=1:dyn=8>', 'net(lora:[a,te=0.5,unet=1,dyn=8])', []],
  ['<lora:a:x=y=z>', 'net(lora:[a,x=y=z])', []],
  ['<lyco:b:1> <hypernet:c:0.3>', "net(lyco:[b,1]) ' ' net(hypernet:[c,0.3])", []],
  ['<lora:a(b)[c]:1>', 'net(lora:[a(b)[c],1])', []],
  ['<lora:>', "'<lora' ':' '>'", []],
  ['<<lora:x>', "'<' net(lora:[x])", []],
  ['<lora:a<lora:b>', 'net(lora:[a<lora,b])', []],
  ['<lora:x:0.5, house', "net…(lora:[x,0.5]) , ' house'", ['syntax/unterminated-network']],
  ['a <b c', "'a <b c'", []],
  // Wildcards (dynamicprompts) and fragment references (the file layer).
  ['__animal__ and ${style}', "wc(animal) ' and ' ref(style)", []],
  ['JL_section __a/b-c__', "'JL_section ' wc(a/b-c)", []],
  ['$5 ${} ${a b}', "'$5 ${} ${a b}'", []],
  // Weights A1111 cannot read make generation fail.
  ['(a:1..2)', "('a':1..2)", ['syntax/bad-number']],
  ['()', '()', ['syntax/empty-group']],
  ['[]', '[]', ['syntax/empty-group']],
  // A1111's own doctest input with crossed brackets: the tree nests; stray closers are kept as errors.
  ['((a][:b:c [d:3]', "(('a' err']' [':' 'b' ':' 'c ' sched{-|'d'|3}………", [
    'syntax/unmatched-bracket',
    'syntax/unclosed-bracket',
    'syntax/unclosed-bracket',
    'syntax/unclosed-bracket',
  ]],
  // A closer of an enclosing group ends the inner group, which stays unclosed.
  ['[a (b] c', "['a ' ('b'…] ' c'", ['syntax/unclosed-bracket']],
];

describe('prompt text: tree and diagnostics', () => {
  it.each(cases)('%s', (input, tree, codes) => {
    const { node, diagnostics } = parsePromptText(input);
    expect(show(node.body)).toBe(tree);
    expect(diagnostics.map((diagnostic) => diagnostic.code).sort()).toEqual([...codes].sort());
    expect(node.text).toBe(input);
  });
});

describe('prompt text: details', () => {
  it('resolves escapes in text values as A1111 reads them', () => {
    const { node } = parsePromptText('\\(a\\) \\\\ \\# b\\');
    expect(node.body).toHaveLength(1);
    expect(node.body[0]).toMatchObject({ kind: 'text', value: '(a) \\ # b' });
  });

  it('keeps the unknown network type and its range for a fix', () => {
    const { node } = parsePromptText('x <JL_sectionplan:0.1>');
    const network = node.body[1] as NetworkNode;
    expect(network).toMatchObject({ kind: 'network', type: 'JL_sectionplan', knownType: false, closed: true });
    expect(network.typeRange.start.offset).toBe(3);
    expect(network.typeRange.end.offset).toBe(17);
    expect(network.range.start.offset).toBe(2);
    expect(network.range.end.offset).toBe(22);
    expect(network.args[0]!.valueRange.start.offset).toBe(18);
  });

  it('gives named network arguments their value range', () => {
    const text = '<lora:a:te=0.5>';
    const network = parsePromptText(text).node.body[0] as NetworkNode;
    const arg = network.args[1]!;
    expect(arg).toMatchObject({ name: 'te', value: '0.5', raw: 'te=0.5' });
    expect(text.slice(arg.valueRange.start.offset, arg.valueRange.end.offset)).toBe('0.5');
  });

  it('reads a network tag across lines, as the regex [^>]+ does', () => {
    const { node } = parsePromptText('a <lora:x\n:0.5> b');
    const network = node.body[1] as NetworkNode;
    expect(network.args.map((arg) => arg.raw)).toEqual(['x\n', '0.5']);
    expect(network.range.end).toEqual({ offset: 15, line: 1, column: 5 });
  });

  it('gives the weight of (x:w) as Python float() reads it, NaN when it cannot', () => {
    const good = parsePromptText('(a: -.5 )').node.body[0] as EmphasisNode;
    expect(good.weight?.value).toBe(-0.5);
    const bad = parsePromptText('(a:1..2)').node.body[0] as EmphasisNode;
    expect(Number.isNaN(bad.weight?.value)).toBe(true);
  });

  it('reports an unclosed bracket at the bracket, with an escape suggestion', () => {
    const { diagnostics } = parsePromptText('a (b');
    expect(diagnostics).toHaveLength(1);
    const [diagnostic] = diagnostics;
    expect(diagnostic!.severity).toBe('warning');
    expect(diagnostic!.range.start.offset).toBe(2);
    expect(diagnostic!.message).toContain('closes it at the end');
    expect(diagnostic!.suggestions?.[0]?.edits).toEqual([{ start: 2, end: 2, newText: '\\' }]);
  });

  it('counts lines and UTF-16 columns for ranges', () => {
    const { node } = parsePromptText('😀 a\r\n(b)');
    const emphasis = node.body[1] as EmphasisNode;
    expect(emphasis.range.start).toEqual({ offset: 6, line: 1, column: 0 });
    expect(emphasis.range.end).toEqual({ offset: 9, line: 1, column: 3 });
  });
});

describe('prompt text: limits', () => {
  it('reads brackets nested deeper than the limit as text, without exhausting the stack', () => {
    const text = `${'('.repeat(5000)}x${')'.repeat(5000)}`;
    const { node, diagnostics } = parsePromptText(text);
    expect(diagnostics.filter((diagnostic) => diagnostic.code === 'syntax/too-deep')).toHaveLength(1);
    // 200 groups nest; the 4,800 '(' inside the deepest are text, so 4,800 of the ')' close nothing.
    expect(node.body[0]).toMatchObject({ kind: 'emphasis', closed: true });
    expect(node.body.filter((child) => child.kind === 'error')).toHaveLength(4800);
    const square = parsePromptText(`${'['.repeat(3000)}x`);
    expect(square.diagnostics.map((diagnostic) => diagnostic.code)).toContain('syntax/too-deep');
  });
});
