/**
 * fast-check generators of prompt texts and prompt files for the formatter's properties. They lean
 * on the places where whitespace matters: brackets next to brackets, punctuation next to
 * punctuation, escapes, keywords, weights, schedules, networks, comments between lines.
 */
import fc from 'fast-check';

const words = ['a', 'cat', 'house', 'best quality', 'section plan', 'JL_section plan', 'x', 'B', 'ÄÖ', '日本', '1girl', 'and', 'break', '7', '😀', "o'clock", 'é'];
const punctuation = [',', ',', ',', '.', "'", "'s", ';', '!', '-', '_', '/', '&', '&amp;', ':', '|', '>', '<', '{', '}', '<a'];
const escapes = ['\\(', '\\)', '\\[', '\\]', '\\\\', '\\', '\\:', '\\ ', '\\#', '\\@'];
const keywords = ['AND', 'BREAK', ' AND ', ' BREAK ', ':1.2', ' :0.5', ':.5'];
const brackets = ['(', ')', '[', ']', '(', ')', '[', ']'];
const numbers = ['1.2', '1.20', '.5', '0.50', '05', '1.', '2', '+1.1', '-0.5', '0', '1e3', '10'];
const networks = ['<lora:JL_sectionplan:0.6>', '<lora:a b:1>', '<lora:x>', '<hypernet:h:0.5>', '<JL_sectionplan:0.1>', '<lora:x:te=0.5:unet=1>', '<lora:', '__season__', '${style}'];
const spaces = [' ', ' ', '  ', '\t', ' \t ', '\n', '\n  ', '\n\n', '  \n', '\u00a0', '\r'];

/** Structured pieces: weights, schedules and alternations with tricky spacing. */
const structured = fc.oneof(
  fc.tuple(fc.constantFrom('(', '( '), fc.constantFrom(...words), fc.constantFrom(':', ': ', ' :'), fc.constantFrom(...numbers), fc.constantFrom(')', ' )')).map((parts) => parts.join('')),
  fc.tuple(fc.constantFrom('[', '[ '), fc.constantFrom('', ...words), fc.constantFrom(':', ' : '), fc.constantFrom('', ...words), fc.constantFrom(':', ': '), fc.constantFrom(...numbers), fc.constantFrom(']', ' ]')).map((parts) => parts.join('')),
  fc.tuple(fc.constantFrom(...words), fc.constantFrom(':', ' : '), fc.constantFrom(...numbers), fc.constantFrom(']', ' ]')).map((parts) => `[${parts.join('')}`),
  fc.array(fc.constantFrom('', ...words, ' '), { minLength: 2, maxLength: 4 }).map((options) => `[${options.join('|')}]`),
  // Groups whose weights come out equal, so that A1111 merges their segments.
  fc.constantFrom('(a:1)b', '(a:1) b', '( a )( b )', '(a)(b)', '[(a)]', '((a))', '(a:1.1)(b:1.1)', '( a BREAK b )', '(a, )', '( , a)'),
);

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...words) },
  { weight: 5, arbitrary: fc.constantFrom(...punctuation) },
  { weight: 6, arbitrary: fc.constantFrom(...spaces) },
  { weight: 4, arbitrary: fc.constantFrom(...brackets) },
  { weight: 1, arbitrary: fc.constantFrom(...escapes) },
  { weight: 1, arbitrary: fc.constantFrom(...keywords) },
  { weight: 1, arbitrary: fc.constantFrom(...numbers) },
  { weight: 1, arbitrary: fc.constantFrom(...networks) },
  { weight: 2, arbitrary: structured },
);

/** One A1111 prompt text (may span lines; no line starts with '#' or '@'). */
export const promptText = fc.array(piece, { minLength: 0, maxLength: 24 }).map((pieces) =>
  pieces
    .join('')
    .split('\n')
    .map((line) => (/^\s*[#@]/.test(line) ? `x${line}` : line))
    .join('\n'),
);

const comment = fc.constantFrom('# note', '#tight', '#   spaced  ', '# sdprompt-disable-next-line lora/unknown', '  # indented');
const blank = fc.constantFrom('', '   ', '\t');

/** Prompt lines with comments and blank lines between them. */
const textBlock = fc
  .array(fc.oneof({ weight: 5, arbitrary: promptText }, { weight: 1, arbitrary: comment }, { weight: 1, arbitrary: blank }), { minLength: 0, maxLength: 5 })
  .map((lines) => lines.join('\n'));

const paramEntry = fc.constantFrom('steps: 30', 'steps:30', '  cfg :  7 ', 'size: 512x768', 'sampler: "DPM++ 2M"', 'seed: -1', 'checkpoint: dreamshaper_8', 'model: x.safetensors  ', 'denoise:0.5');
const paramBlock = fc
  .tuple(fc.constantFrom('@params', '  @params', '@hires', '@img2img', '@controlnet'), fc.array(fc.oneof({ weight: 4, arbitrary: paramEntry }, { weight: 1, arbitrary: comment }, { weight: 1, arbitrary: blank }), { maxLength: 4 }))
  .map(([head, entries]) => [head, ...entries].join('\n'));

const section = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('@prompt house', '@prompt', '@prompt  b-2', '  @prompt x.y'), textBlock).map((parts) => parts.join('\n')) },
  { weight: 3, arbitrary: fc.tuple(fc.constant('@negative'), textBlock).map((parts) => parts.join('\n')) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('@fragment style', '@fragment f2'), textBlock).map((parts) => parts.join('\n')) },
  { weight: 2, arbitrary: paramBlock },
  { weight: 1, arbitrary: fc.constantFrom('@include "shared.sdprompt"', '@include other.sdprompt') },
  { weight: 2, arbitrary: comment },
  { weight: 2, arbitrary: blank },
);

const lineEnding = fc.constantFrom('\n', '\n', '\r\n');

/** A byte order mark, sometimes. */
const bom = fc.constantFrom('', '', '', '', '\uFEFF');

/** A structured prompt file. */
export const structuredFile = fc
  .tuple(bom, fc.array(section, { minLength: 1, maxLength: 8 }), lineEnding, fc.boolean())
  .map(([mark, sections, eol, finalNewline]) => mark + sections.join('\n').replace(/\n/g, eol) + (finalNewline ? eol : ''));

/** A bare prompt file (no directives), maybe with comments. */
export const bareFile = fc.tuple(bom, textBlock, lineEnding).map(([mark, text, eol]) => mark + text.replace(/\n/g, eol));

/** An infotext block: prompt, negative prompt, parameters line. */
export const infotextFile = fc
  .tuple(promptText, fc.option(promptText, { nil: undefined }), fc.boolean())
  .map(([positive, negative, params]) =>
    [
      positive,
      negative === undefined ? undefined : `Negative prompt: ${negative}`,
      params ? 'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512' : undefined,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
  );

/** Any prompt file. */
export const promptFile = fc.oneof({ weight: 5, arbitrary: structuredFile }, { weight: 3, arbitrary: bareFile }, { weight: 2, arbitrary: infotextFile });
