/**
 * Property: any input, however broken, gives a tree whose ranges and source maps are consistent, and
 * analyze() runs on it; nothing throws. 3 × 4,000 generated and mutated inputs.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { analyze, parse, type PromptNode, type PromptText, type Range } from '../../src/index.js';

const pieces = [
  '(', ')', '[', ']', ':', '|', ',', '\\', '<', '>', '=', '"', '$', '{', '}', '_', '#', '@', ' ', '\t',
  '\n', '\r\n', '\r', 'a', 'house', 'é', '😀', '\uD800', '1.5', ':1.2)', ':1..2', '::', '.5', 'AND', 'BREAK',
  'ANDx', 'lora', '<lora:', '<lora:x:0.6>', '<JL_sectionplan:0.1>', 'te=0.5', '__w__', '${a}', '${b}', '\\(',
  '\\#', '@prompt', '@prompt p', '@negative', '@fragment a', '@fragment b', '@params', '@controlnet',
  '@inpaint', '@hires', '@include "x.sdprompt"', '@nope', '# comment', 'steps: 20', 'size: 5x5', 'seed: x',
  'sampler: Euler', 'model: m', 'image: a.png', 'Negative prompt:', 'Steps: 1, Sampler: x, Seed: 2', 'Size: 512x512, ',
];

const tokenSoup = fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((parts) => parts.join(''));

const seeds = [
  '@params\nsteps: 30\n@fragment style\nsection plan, <lora:JL_sectionplan:0.8>\n@prompt house\na house, ${style}, (modern:1.2)\n@negative\nbad quality\n',
  'a house for one family, <lora:archi_sketch:0.6> [a:b:0.5] [x|y] AND z :1.1 BREAK w',
  'a photo\nNegative prompt: bad, "q"\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 1, Size: 512x768, Lora hashes: "a: 1, b: 2"',
];

/** Random edits (insert / delete / replace) applied to a seed file. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.constantFrom(...pieces, ...'()[]<>:|\\@#\n')), { maxLength: 8 }),
  )
  .map(([seed, edits]) => {
    let text = seed;
    for (const [at, remove, insert] of edits) {
      const position = at % (text.length + 1);
      text = text.slice(0, position) + insert + text.slice(position + remove);
    }
    return text;
  });

/** Plain checks: vitest's expect() per character would dominate the run time. */
function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (const match of text.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  return starts;
}

function checkRange(range: Range, text: string, starts: number[]): void {
  check(range.start.offset >= 0 && range.start.offset <= range.end.offset && range.end.offset <= text.length, () => `bad range ${JSON.stringify(range)}`);
  for (const position of [range.start, range.end]) {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1]! <= position.offset) line++;
    check(position.line === line && position.column === position.offset - starts[line]!, () => `bad position ${JSON.stringify(position)}, line should be ${line}`);
  }
}

function checkNodes(nodes: PromptNode[], parent: Range, text: string, starts: number[]): void {
  let previousEnd = parent.start.offset;
  for (const node of nodes) {
    checkRange(node.range, text, starts);
    check(node.range.start.offset >= previousEnd && node.range.end.offset <= parent.end.offset, () => `${node.kind} node out of order or outside its parent`);
    previousEnd = node.range.end.offset;
    if (node.kind === 'emphasis') checkNodes(node.body, node.range, text, starts);
    else if (node.kind === 'schedule') {
      if (node.from) checkNodes(node.from, node.range, text, starts);
      checkNodes(node.to, node.range, text, starts);
    } else if (node.kind === 'alternation') for (const option of node.options) checkNodes(option, node.range, text, starts);
  }
}

/** Every character of a prompt text comes from the document (a joined line break from a line break). */
function checkPromptText(prompt: PromptText, text: string, starts: number[]): void {
  check(prompt.sourceMap.length === prompt.text.length + 1, () => 'source map length');
  for (let i = 0; i < prompt.text.length; i++) {
    const offset = prompt.sourceMap[i]!;
    const char = prompt.text[i]!;
    const ok = char === '\n' && text[offset] !== '\n' ? text[offset] === '\r' || offset === text.length : text[offset] === char;
    check(ok, () => `text[${i}] = ${JSON.stringify(char)} maps to ${offset} = ${JSON.stringify(text[offset])}`);
    check(i === 0 || offset > prompt.sourceMap[i - 1]!, () => `source map not increasing at ${i}`);
  }
  checkRange(prompt.range, text, starts);
  checkNodes(prompt.body, prompt.range, text, starts);
}

function checkDocument(text: string): void {
  const { ast, diagnostics } = parse(text);
  const starts = lineStarts(text);
  checkRange(ast.range, text, starts);
  for (const diagnostic of diagnostics) checkRange(diagnostic.range, text, starts);
  const texts: PromptText[] = [];
  for (const prompt of ast.prompts) {
    texts.push(prompt.positive);
    if (prompt.negative) texts.push(prompt.negative);
  }
  if (ast.negative) texts.push(ast.negative);
  for (const fragment of ast.fragments) texts.push(fragment.text);
  for (const prompt of texts) checkPromptText(prompt, text, starts);
  const model = analyze(ast, { readFile: (path) => (path.endsWith('x.sdprompt') ? '@fragment a\nfrom include ${b}\n@include "x.sdprompt"' : undefined) });
  for (const diagnostic of model.diagnostics) if (diagnostic.file === undefined) checkRange(diagnostic.range, text, starts);
  for (const prompt of model.prompts) {
    check(prompt.positive.sourceMap.length === prompt.positive.text.length + 1, () => 'expanded source map length');
    for (const use of prompt.positive.loras) checkRange(use.range, text, starts);
  }
}

describe('parse and analyze never throw', () => {
  it('on token soup', () => {
    fc.assert(fc.property(tokenSoup, (text) => checkDocument(text)), { numRuns: 4000 });
  });

  it('on mutated example files', () => {
    fc.assert(fc.property(mutated, (text) => checkDocument(text)), { numRuns: 4000 });
  });

  it('on arbitrary Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => checkDocument(text)), { numRuns: 4000 });
  });
});
