/**
 * ComfyUI's refusals as Diagnostics in the prompt file: the loopback server (which validates like
 * ComfyUI's execution.py) refuses a LoRA, checkpoint, sampler or node class, and each refusal must
 * land on the line and column where the prompt file wrote the refused value.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/compile/positions.js';
import { compileSource } from '../../src/compile/source.js';
import { COMFY_NODE_ERROR_CODE, nodeErrorDiagnostics } from '../../src/engines/comfyui-diagnostics.js';
import { validateComfyGraph, withFileLists } from '../../src/engines/comfyui-validate.js';
import { toComfyGraph } from '../../src/engines/comfyui.js';
import { EngineError } from '../../src/engines/http.js';
import { createRenderEngine } from '../../src/render/engines.js';
import { loadObjectInfoFixture, startComfyServer, type ComfyServer, type ComfyServerOptions } from './servers/comfyui-server.js';

let server: ComfyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

// Lines and columns below are 1-based, as printed.
const FILE = [
  '@params', //                                     1
  'checkpoint: sd15.safetensors', //                2  value at column 13
  'sampler: DPM++ 2M SDE', //                       3  value at column 10
  'steps: 3', //                                    4
  'clip-skip: 2', //                                5  value at column 12
  '', //                                            6
  '@prompt plan', //                                7
  'a floor plan <lora:JL_sectionplan:0.5>, ink', // 8  tag at column 14
  '',
].join('\n');

interface Refusal {
  line: number;
  column: number;
  /** Text the message must contain (ComfyUI's own words, the node and the input). */
  says: string[];
}

async function refusals(text: string, options: ComfyServerOptions, dir?: string): Promise<{ error: EngineError; found: Refusal[] }> {
  server = await startComfyServer(options);
  const base = dir ?? (await mkdtemp(path.join(os.tmpdir(), 'sdprompt-refusal-')));
  const file = path.join(base, 'plan.sdprompt');
  await writeFile(file, text);
  const compiled = compileSource(text, { target: 'ir', path: file, readFile: (p) => readFileSync(p, 'utf8') });
  expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const doc = compiled.prompts[0]!.ir;
  const lines = new LineIndex(text);
  const engine = createRenderEngine('comfyui', { url: server.url });
  try {
    const error = await engine.send(doc, { baseDir: base, rangeOf: (source) => lines.range(source.start, source.end) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EngineError);
    const engineError = error as EngineError;
    expect(engineError.kind).toBe('validation');
    const found = (engineError.diagnostics ?? []).map((d) => {
      expect(d.code).toBe(COMFY_NODE_ERROR_CODE);
      expect(d.severity).toBe('error');
      return { line: d.range.start.line + 1, column: d.range.start.column + 1, says: [d.message] };
    });
    return { error: engineError, found };
  } finally {
    engine.close();
  }
}

function expectRefusals(found: Refusal[], expected: Refusal[]) {
  expect(found.map(({ line, column }) => [line, column])).toEqual(expected.map(({ line, column }) => [line, column]));
  found.forEach((refusal, i) => {
    for (const text of expected[i]!.says) expect(refusal.says[0]).toContain(text);
  });
}

describe('ComfyUI refusals before sending (our /object_info check)', () => {
  const cases: Array<[string, ComfyServerOptions, Refusal[]]> = [
    [
      'an unknown LoRA file: at the tag',
      { files: { loras: ['other.safetensors'] } },
      [{ line: 8, column: 14, says: ['node 3 (LoraLoader)', "Value not in list: lora_name: 'JL_sectionplan.safetensors' not in"] }],
    ],
    [
      'a LoRA file with a near name: "did you mean" from /object_info',
      { files: { loras: ['JL_sectionplan_v2.safetensors', 'ink.safetensors'] } },
      [{ line: 8, column: 14, says: ["not in", "; did you mean 'JL_sectionplan_v2.safetensors'?"] }],
    ],
    [
      'the same among more than 20 files, which ComfyUI does not list in its answer',
      { files: { loras: [...Array.from({ length: 24 }, (_, i) => `style_${i}.safetensors`), 'JL_sectionplan_v2.safetensors'] } },
      [{ line: 8, column: 14, says: ['not in (list of length 25)', "; did you mean 'JL_sectionplan_v2.safetensors'?"] }],
    ],
    [
      'an unknown checkpoint: at the checkpoint value',
      { files: { checkpoints: ['other.safetensors'] } },
      [{ line: 2, column: 13, says: ['node 1 (CheckpointLoaderSimple)', "ckpt_name: 'sd15.safetensors' not in"] }],
    ],
    [
      'a sampler this ComfyUI lacks: at the sampler value',
      { samplers: ['euler', 'dpmpp_2m'] },
      [{ line: 3, column: 10, says: ['(KSampler)', "sampler_name: 'dpmpp_2m_sde' not in"] }],
    ],
    [
      'two refusals: each at its own place, in node order',
      { files: { checkpoints: ['other.safetensors'], loras: ['other.safetensors'] } },
      [
        { line: 2, column: 13, says: ['CheckpointLoaderSimple'] },
        { line: 8, column: 14, says: ['LoraLoader'] },
      ],
    ],
    [
      'a node class this ComfyUI does not have: at the parameter that made the node',
      { withoutNodes: ['CLIPSetLastLayer'] },
      [{ line: 5, column: 12, says: ['Cannot execute because node CLIPSetLastLayer does not exist'] }],
    ],
  ];
  it.each(cases)('%s', async (_name, options, expected) => {
    const { error, found } = await refusals(FILE, options);
    expect(error.message).toMatch(/^ComfyUI would reject the prompt: /);
    expectRefusals(found, expected);
    expect(server!.prompts).toHaveLength(0);
  });

  it('a value set in an included file falls back to the prompt definition', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-refusal-include-'));
    await writeFile(path.join(dir, 'base.sdprompt'), '@params\ncheckpoint: sd15.safetensors\n');
    const text = '@include "base.sdprompt"\n\n@prompt plan\na floor plan\n';
    const { found } = await refusals(text, { files: { checkpoints: ['other.safetensors'] } }, dir);
    expectRefusals(found, [{ line: 3, column: 1, says: ['CheckpointLoaderSimple'] }]);
  });
});

describe("ComfyUI's own 400", () => {
  it('a LoRA listed by /object_info but gone when the job arrives: the same diagnostic, from the server answer', async () => {
    const { error, found } = await refusals(FILE, { listedFiles: { loras: ['JL_sectionplan.safetensors'] }, files: { loras: ['other.safetensors'] } });
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^ComfyUI rejected the prompt: Prompt outputs failed validation \(1 problem in the prompt file\)$/);
    expectRefusals(found, [{ line: 8, column: 14, says: ['node 3 (LoraLoader)', "lora_name: 'JL_sectionplan.safetensors' not in"] }]);
  });
});

describe('nodeErrorDiagnostics', () => {
  const text = '@params\ncheckpoint: sd15.safetensors\n\n@prompt p\na cat <lora:JL_sectionplan:0.5>\n';
  const compiled = compileSource(text, { target: 'comfyui' }).prompts[0]!;
  const doc = compiled.ir;
  const result = toComfyGraph(doc);
  const lines = new LineIndex(text);

  it('a 200 with node_errors (an output ComfyUI dropped) gives warnings; nodes without a source fall back to the prompt', () => {
    // A second output branch whose VAE does not exist: ComfyUI runs the first and drops this one.
    const graph = structuredClone(result.payload.prompt);
    const decode = Object.entries(graph).find(([, node]) => node.class_type === 'VAEDecode')![1];
    graph['90'] = { class_type: 'VAELoader', inputs: { vae_name: 'missing.safetensors' } };
    graph['91'] = { class_type: 'VAEDecode', inputs: { samples: decode.inputs.samples!, vae: ['90', 0] } };
    graph['92'] = { class_type: 'SaveImage', inputs: { images: ['91', 0], filename_prefix: 'x' } };
    const info = withFileLists(loadObjectInfoFixture(), { checkpoints: ['sd15.safetensors'], loras: ['JL_sectionplan.safetensors'], vae: ['vae.safetensors'] });
    const check = validateComfyGraph(graph, info);
    expect(check.ok).toBe(true);
    const diagnostics = nodeErrorDiagnostics(
      check.node_errors,
      { nodeSources: result.nodeSources!, inputSources: result.inputSources!, fallback: doc.source, rangeOf: (s) => lines.range(s.start, s.end) },
      'warning',
    );
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: COMFY_NODE_ERROR_CODE, severity: 'warning', range: { start: { line: 3, column: 0 } } });
    expect(diagnostics[0]!.message).toContain("node 90 (VAELoader): Value not in list: vae_name: 'missing.safetensors' not in");
  });

  it('without a way to map offsets, diagnostics sit at the start of the file', () => {
    const info = withFileLists(loadObjectInfoFixture(), { checkpoints: ['other.safetensors'], loras: ['JL_sectionplan.safetensors'] });
    const check = validateComfyGraph(result.payload.prompt, info);
    const [diagnostic] = nodeErrorDiagnostics(check.node_errors, { nodeSources: result.nodeSources! });
    expect(diagnostic!.range.start).toEqual({ offset: 0, line: 0, column: 0 });
  });

  it('maps an input to the value that set it: ckpt_name at the checkpoint value', () => {
    const info = withFileLists(loadObjectInfoFixture(), { checkpoints: ['other.safetensors'], loras: ['JL_sectionplan.safetensors'] });
    const check = validateComfyGraph(result.payload.prompt, info);
    const [diagnostic] = nodeErrorDiagnostics(check.node_errors, { inputSources: result.inputSources!, rangeOf: (s) => lines.range(s.start, s.end) });
    expect(text.slice(diagnostic!.range.start.offset, diagnostic!.range.end.offset)).toBe('sd15.safetensors');
  });
});
