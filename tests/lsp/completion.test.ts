/**
 * Completion over real JSON-RPC with cursor markers (`<|>`): LoRA names with base model, trigger
 * words and preferred weight; the inserted `<lora:NAME:WEIGHT>`; trigger words offered next;
 * network types, wildcards, fragments, directives, parameter keys and values (from a loopback
 * engine when it answers), embeddings, and tags from a tagcomplete CSV.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionItem, CompletionList, TextEdit } from 'vscode-languageserver';
import { librarySettings, realToolchain } from './fixtures.js';
import { parseMarkers, positionAt, startServer, type TestClient } from './harness.js';

let client: TestClient | undefined;
afterEach(() => client?.dispose());
const uri = 'file:///work/complete.sdprompt';

async function completeAt(input: string, settings: Record<string, unknown> = librarySettings): Promise<{ list: CompletionList; text: string; offset: number }> {
  ({ client } = await startServer({ toolchain: await realToolchain(), settings }));
  const { text, cursors } = parseMarkers(input);
  await client.open(uri, text);
  const list = await client.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionAt(text, cursors[0]!) });
  return { list, text, offset: cursors[0]! };
}

/** The document after accepting `item` (its textEdit), as an editor applies it. */
function accept(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  const offsetOf = (position: { line: number; character: number }) => {
    const lines = text.split('\n');
    return lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  };
  return text.slice(0, offsetOf(edit.range.start)) + edit.newText + text.slice(offsetOf(edit.range.end));
}

const labels = (list: CompletionList) => list.items.map((item) => item.label);

describe('LoRA completion', () => {
  it('lists LoRAs after <lora: with base model, trigger words and preferred weight', async () => {
    const { list } = await completeAt('@prompt house\na house, <lora:<|>');
    expect(labels(list)).toEqual(expect.arrayContaining(['JL_sectionplan', 'archi_sketch', 'archi_watercolor', 'archi_sdxl_lines']));
    const item = list.items.find((candidate) => candidate.label === 'JL_sectionplan')!;
    expect(item.detail).toBe('base sd1 · weight 0.6 · triggers: section plan, JL_section plan');
  });

  it('inserts <lora:NAME:PREFERRED_WEIGHT> and then offers the trigger words', async () => {
    const { list, text } = await completeAt('@prompt house\na house, <lora:JL<|>');
    const item = list.items.find((candidate) => candidate.label === 'JL_sectionplan')!;
    const accepted = accept(text, item);
    expect(accepted).toBe('@prompt house\na house, <lora:JL_sectionplan:0.6>');
    expect(item.command?.command).toBe('editor.action.triggerSuggest');
    // The next list, right after the tag and a separator, starts with the trigger words.
    const after = `${accepted}, `;
    await client!.change(uri, [{ text: after }]);
    const next = await client!.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionAt(after, after.length) });
    expect(labels(next).slice(0, 2)).toEqual(['section plan', 'JL_section plan']);
    expect(next.items[0]!.detail).toBe('trigger word of JL_sectionplan');
  });

  it('offers a variant that inserts the tag with its trigger words', async () => {
    const { list, text } = await completeAt('@prompt house\n<lora:<|>');
    const item = list.items.find((candidate) => candidate.label === 'JL_sectionplan + trigger words')!;
    expect(accept(text, item)).toBe('@prompt house\n<lora:JL_sectionplan:0.6>, section plan, JL_section plan');
  });

  it('replaces only the name inside a complete tag', async () => {
    const { list, text } = await completeAt('@prompt house\n<lora:arch<|>i:0.4>');
    const item = list.items.find((candidate) => candidate.label === 'archi_watercolor')!;
    expect(accept(text, item)).toBe('@prompt house\n<lora:archi_watercolor:0.4>');
  });

  it('resolves a LoRA item to its card', async () => {
    const { list } = await completeAt('@prompt house\n<lora:<|>');
    const item = list.items.find((candidate) => candidate.label === 'JL_sectionplan')!;
    const resolved = await client!.request<CompletionItem>('completionItem/resolve', item);
    expect(JSON.stringify(resolved.documentation)).toContain('section plan');
  });

  it('filters a large library on the server by what was typed', async () => {
    const { list } = await completeAt('@prompt house\n<lora:water<|>', { ...librarySettings, maxCompletionItems: 1 });
    expect(list.isIncomplete).toBe(true);
    expect(labels(list)).toEqual(['archi_watercolor', 'archi_watercolor + trigger words']);
  });

  it('lists network types after <', async () => {
    const { list } = await completeAt('@prompt house\na house, <<|>');
    expect(labels(list)).toEqual(['lora', 'lyco', 'hypernet']);
  });
});

describe('other names', () => {
  it('completes wildcards after __', async () => {
    const { list, text } = await completeAt('@prompt house\na house of __mat<|>');
    expect(labels(list)).toContain('__materials__');
    expect(accept(text, list.items.find((item) => item.label === '__materials__')!)).toBe('@prompt house\na house of __materials__');
  });

  it('completes fragments after ${', async () => {
    const { list, text } = await completeAt('@fragment style\npencil sketch\n@prompt house\na house, ${<|>');
    expect(labels(list)).toEqual(['style']);
    expect(accept(text, list.items[0]!)).toBe('@fragment style\npencil sketch\n@prompt house\na house, ${style}');
  });

  it('completes directives after @', async () => {
    const { list } = await completeAt('@<|>');
    expect(labels(list)).toEqual(expect.arrayContaining(['@prompt', '@negative', '@fragment', '@include', '@params', '@controlnet', '@img2img', '@inpaint', '@hires']));
  });

  it('completes embeddings in prompt text', async () => {
    const { list } = await completeAt('@prompt house\n@negative\narchi_n<|>');
    expect(labels(list)).toContain('archi_negative');
  });
});

describe('parameters', () => {
  it('completes keys inside @params', async () => {
    const { list } = await completeAt('@params\nste<|>');
    expect(labels(list)).toEqual(expect.arrayContaining(['steps', 'sampler', 'scheduler', 'cfg', 'seed', 'size']));
    expect((list.items.find((item) => item.label === 'steps')!.textEdit as TextEdit).newText).toBe('steps: ');
  });

  it('completes known samplers and schedulers without an engine', async () => {
    const samplers = await completeAt('@params\nsampler: <|>');
    expect(labels(samplers.list)).toEqual(expect.arrayContaining(['Euler a', 'DPM++ 2M', 'DDIM']));
    client!.dispose();
    const schedulers = await completeAt('@params\nscheduler: <|>');
    expect(labels(schedulers.list)).toEqual(expect.arrayContaining(['Karras', 'Exponential', 'SGM Uniform']));
  });

  it('takes samplers and schedulers from the configured engine when it answers', async () => {
    const engine: Server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/sdapi/v1/samplers') response.end(JSON.stringify([{ name: 'Euler a', aliases: [], options: {} }, { name: 'Engine Special', aliases: [], options: {} }]));
      else if (request.url === '/sdapi/v1/schedulers') response.end(JSON.stringify([{ name: 'karras', label: 'Karras' }, { name: 'custom', label: 'Custom Schedule' }]));
      else {
        response.statusCode = 404;
        response.end('{}');
      }
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    const port = (engine.address() as { port: number }).port;
    try {
      const { list } = await completeAt('@params\nsampler: <|>', { engineUrl: `http://127.0.0.1:${port}` });
      expect(labels(list)).toEqual(['Euler a', 'Engine Special']);
      expect(list.items[0]!.detail).toBe('from the engine');
    } finally {
      engine.close();
    }
  });

  it('reads ComfyUI samplers and schedulers from object_info when the engine is ComfyUI', async () => {
    const engine: Server = createServer((request, response) => {
      response.setHeader('content-type', 'application/json');
      if (request.url === '/object_info/KSampler') {
        response.end(JSON.stringify({ KSampler: { input: { required: { sampler_name: [['euler', 'dpmpp_2m'], {}], scheduler: [['normal', 'karras'], {}] } } } }));
      } else {
        response.statusCode = 404;
        response.end('{"error": "not found"}');
      }
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    const port = (engine.address() as { port: number }).port;
    try {
      const { list } = await completeAt('@params\nscheduler: <|>', { engineUrl: `http://127.0.0.1:${port}` });
      expect(labels(list)).toEqual(['normal', 'karras']);
    } finally {
      engine.close();
    }
  });

  it('falls back to the known lists when the engine does not answer', async () => {
    const engine: Server = createServer((_request, response) => {
      response.statusCode = 500;
      response.end('boom');
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    const port = (engine.address() as { port: number }).port;
    try {
      const { list } = await completeAt('@params\nsampler: <|>', { engineUrl: `http://127.0.0.1:${port}` });
      expect(labels(list)).toContain('Euler a');
      expect(list.items[0]!.detail).toBe('from the known A1111 list');
    } finally {
      engine.close();
    }
  });
});

describe('tags from a tagcomplete CSV', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdprompt-tags-'));
  const csv = join(dir, 'tags.csv');
  writeFileSync(csv, ['1girl,0,4114588,"1girls,sole_female"', 'long_hair,0,1500000,"longhair,long-hair"', 'house,0,80000,', 'hatsune_miku,4,90000,"miku"', 'highres,5,3000000,"hi_res"', '^_^,0,5000,'].join('\n'));

  it('filters on the server by prefix, aliases and later words, best-known first', async () => {
    const { list, text } = await completeAt('@prompt a\nhigh<|>', { tagFiles: [csv] });
    expect(labels(list)[0]).toBe('highres');
    expect(accept(text, list.items[0]!)).toBe('@prompt a\nhighres');
    client!.dispose();
    const alias = await completeAt('@prompt a\nmik<|>', { tagFiles: [csv] });
    expect(labels(alias.list)).toEqual(['hatsune_miku ← miku']);
    expect(accept(alias.text, alias.list.items[0]!)).toBe('@prompt a\nhatsune miku');
    client!.dispose();
    const word = await completeAt('@prompt a\nblue eyes, hai<|>', { tagFiles: [csv] });
    expect(labels(word.list)).toEqual(['long_hair']);
    expect(accept(word.text, word.list.items[0]!)).toBe('@prompt a\nblue eyes, long hair');
  });

  it('keeps a 100,000-tag list on the server: a bounded, incomplete list', async () => {
    const big = join(dir, 'big.csv');
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`tag_${i.toString(36)},0,${100_000 - i},`);
    writeFileSync(big, lines.join('\n'));
    const { list } = await completeAt('@prompt a\nta<|>', { tagFiles: [big], maxCompletionItems: 50 });
    expect(list.isIncomplete).toBe(true);
    expect(list.items).toHaveLength(50);
    expect(list.items[0]!.label).toBe('tag_0');
  });
});
