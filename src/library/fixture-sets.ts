/**
 * Whole fixture folders built from fixtures.ts: the bundled example install (`examples/loras/`,
 * laid out like an A1111 root) and the generated library the benchmark scans.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  previewPng, truncatedSafetensors, writeCheckpointFixture, writeEmbeddingFixture, writeFileAtomic, writeLoraFixture,
  type FixtureFamily, type FixtureFormat, type LoraFixture,
} from './fixtures.js';

/** The LoRAs of the example library, also used by tests as known-good inputs. */
export const EXAMPLE_LORAS: LoraFixture[] = [
  {
    name: 'JL_sectionplan', family: 'sd1', rank: 4, alpha: 2, layers: 4, seed: 101,
    outputName: 'JL_sectionplan', title: 'JL section plan',
    tagFrequency: {
      '10_JL_section plan': {
        'JL_section plan': 24, 'section plan': 24, architecture: 21, lineart: 18, 'white background': 15, monochrome: 12, 'floor plan': 9,
      },
    },
    userMetadata: {
      description: 'Architectural section-plan drawings: cut walls poched black, thin projection lines.',
      'sd version': 'SD1',
      'activation text': 'section plan, JL_section plan',
      'preferred weight': 0.6,
      'negative text': 'photo, blurry',
      notes: 'Trained on 24 hand-drawn section plans.',
    },
    preview: true,
  },
  {
    name: 'archi_sketch', family: 'sd1', rank: 2, layers: 3, seed: 102, outputName: 'archi_sketch',
    triggerPhrase: 'archi sketch',
    tagFrequency: { '8_archi sketch': { 'archi sketch': 30, 'pencil sketch': 27, building: 20, perspective: 11 } },
    civitai: {
      id: 90210, modelId: 4321, name: 'v1.0', baseModel: 'SD 1.5', trainedWords: ['archi sketch, pencil sketch'],
      model: { name: 'Archi Sketch', type: 'LORA' }, images: [],
    },
    description: 'Loose pencil sketches of buildings.',
    preview: 'preview',
  },
  {
    name: 'archi_watercolor', family: 'sd1', format: 'locon', rank: 2, layers: 3, seed: 103, outputName: 'archi_watercolor',
    sshsHash: false,
    tagFrequency: { '6_watercolor': { 'watercolor rendering': 18, 'archi watercolor': 18, building: 16, sky: 7 } },
    userMetadata: { 'activation text': 'archi watercolor, watercolor rendering', 'preferred weight': 0.4, 'sd version': 'SD1' },
  },
  {
    name: 'archi_sdxl_lines', family: 'sdxl', rank: 1, layers: 2, textEncoderModules: 1, seed: 104, outputName: 'archi_sdxl_lines',
    tagFrequency: { '10_sdxl lines': { 'sdxl lines': 40, 'line drawing': 38, architecture: 35 } },
    civitai: { baseModel: 'SDXL 1.0', trainedWords: ['sdxl lines'], model: { name: 'Archi SDXL Lines', type: 'LORA' } },
    preview: true,
  },
];

/**
 * Writes the example install under `root`: `models/Lora` (four LoRAs with sidecars and a broken
 * file), `embeddings`, `wildcards` and `models/Stable-diffusion` (header-only stubs of an SD1 and
 * an SDXL checkpoint, for family checks).
 */
export async function writeExampleLibrary(root: string): Promise<void> {
  const loraDir = path.join(root, 'models', 'Lora');
  for (const fixture of EXAMPLE_LORAS) await writeLoraFixture(loraDir, fixture);
  await writeFileAtomic(path.join(loraDir, 'broken_truncated.safetensors'), truncatedSafetensors());
  const embeddings = path.join(root, 'embeddings');
  await writeEmbeddingFixture(embeddings, 'archi_negative', 'sd1', 4, 201);
  await writeEmbeddingFixture(embeddings, 'sdxl_clean_lines', 'sdxl', 2, 202);
  const wildcards = path.join(root, 'wildcards');
  await writeFileAtomic(path.join(wildcards, 'materials.txt'),
    '# building materials, one per line\nconcrete\nbrick\ntimber\n\ncorten steel\nglass\n');
  await writeFileAtomic(path.join(wildcards, 'archi.yaml'), [
    '# __archi/style__ and __archi/view__',
    'archi:',
    '  style:',
    '    - brutalist',
    '    - art deco',
    '    - modernist',
    '  view:',
    '    - section',
    '    - plan',
    '    - axonometric',
    '',
  ].join('\n'));
  const checkpoints = path.join(root, 'models', 'Stable-diffusion');
  await writeCheckpointFixture(checkpoints, 'sd15_stub', 'sd1');
  await writeCheckpointFixture(checkpoints, 'sdxl_stub', 'sdxl');
}

const FAMILIES: FixtureFamily[] = ['sd1', 'sd1', 'sdxl', 'sd1', 'sd2', 'sdxl', 'flux'];
const FORMATS: FixtureFormat[] = ['kohya', 'kohya', 'peft', 'locon', 'loha', 'kohya', 'diffusers', 'lokr', 'dora'];

export interface BenchLibraryOptions {
  /** How many of the files get a ~1 MB header (thousands of keys, a large tag list). Default 20. */
  bigHeaders?: number;
  /** Files per sub-folder. Default 100. */
  perFolder?: number;
}

/** Writes `count` varied LoRAs (families, formats, sidecars, previews, sub-folders) under `dir`. */
export async function writeBenchLibrary(dir: string, count: number, options: BenchLibraryOptions = {}): Promise<void> {
  const bigHeaders = options.bigHeaders ?? 20;
  const perFolder = options.perFolder ?? 100;
  const bigEvery = bigHeaders > 0 ? Math.max(1, Math.floor(count / bigHeaders)) : Infinity;
  const png = previewPng(1);
  const tasks: Array<() => Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    const family = FAMILIES[i % FAMILIES.length]!;
    let format = FORMATS[i % FORMATS.length]!;
    if (family === 'flux' && format !== 'peft') format = 'kohya';
    if (format === 'diffusers' && family !== 'sd1') format = 'kohya';
    const name = `bench_${family}_${String(i).padStart(5, '0')}`;
    const fixture: LoraFixture = {
      name, family, format, rank: 1 + (i % 4), layers: 2 + (i % 3), textEncoderModules: 1, seed: i + 1,
      subdir: `folder_${Math.floor(i / perFolder)}`,
      bigHeader: i % bigEvery === 0 && i / bigEvery < bigHeaders && family !== 'flux',
      tagFrequency: { [`10_${name}`]: { [name]: 20, 'style tag': 18, building: 10 + (i % 7) } },
      ...(i % 3 === 0 ? { userMetadata: { 'activation text': `${name}, bench style`, 'preferred weight': 0.5 + (i % 5) / 10, 'sd version': 'Unknown' } } : {}),
      ...(i % 5 === 0 ? { civitai: { baseModel: 'SD 1.5', trainedWords: [name], model: { name } } } : {}),
      ...(i % 7 === 0 ? { description: `Benchmark LoRA number ${i}.` } : {}),
    };
    tasks.push(async () => {
      await writeLoraFixture(dir, fixture);
      if (i % 4 === 0) await writeFile(path.join(dir, fixture.subdir!, `${name}.png`), png);
    });
  }
  // A few writers at a time: enough to keep the disk busy without thousands of open files.
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < tasks.length) await tasks[next++]!();
  }));
}
