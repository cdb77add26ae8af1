/**
 * Writes small but realistic LoRA folders for tests, the bundled examples and the benchmark:
 * real kohya SD1/SDXL and diffusers/PEFT key names and shapes (lora-files.md §3) with tiny ranks,
 * kohya-style `ss_*` and `modelspec.*` metadata, A1111/Civitai sidecars and preview PNGs.
 * Tensor values come from a seeded generator, so files (and their hashes) are reproducible.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { buildSafetensors, loraTensors, randomSource, type FixtureFamily, type LoraTensorOptions, type TensorSpec } from './fixture-tensors.js';

export { buildSafetensors, loraTensors, type FixtureFamily, type FixtureFormat, type LoraTensorOptions, type TensorSpec } from './fixture-tensors.js';

export interface KohyaMetadataOptions {
  family: FixtureFamily;
  outputName: string;
  rank: number;
  alpha: number;
  /** `{dataset_dir: {tag: count}}`. */
  tagFrequency?: Record<string, Record<string, number>>;
  triggerPhrase?: string;
  title?: string;
  module?: string;
  /** `ss_network_args` (JSON text), as sd-scripts writes `--network_args`. */
  networkArgs?: Record<string, string>;
  trainedWords?: string[];
  seed?: number;
}

const BASE_MODELS: Record<FixtureFamily, { version: string; architecture: string; model: string; resolution: string }> = {
  sd1: { version: 'sd_v1', architecture: 'stable-diffusion-v1/lora', model: 'v1-5-pruned-emaonly.safetensors', resolution: '512x512' },
  sd2: { version: 'sd_v2', architecture: 'stable-diffusion-v2-768-v/lora', model: 'v2-1_768-ema-pruned.safetensors', resolution: '768x768' },
  sdxl: { version: 'sdxl_base_v1-0', architecture: 'stable-diffusion-xl-v1-base/lora', model: 'sd_xl_base_1.0.safetensors', resolution: '1024x1024' },
  flux: { version: 'flux1', architecture: 'flux-1-dev/lora', model: 'flux1-dev.safetensors', resolution: '1024x1024' },
};

/** Metadata as sd-scripts (train_network.py, sai_model_spec.py) writes it: every value a string. */
export function kohyaMetadata(options: KohyaMetadataOptions): Record<string, string> {
  const base = BASE_MODELS[options.family];
  const started = 1_700_000_000 + (options.seed ?? 0) * 3_600;
  const images = Object.values(options.tagFrequency ?? {}).length * 24 || 24;
  const [width, height] = base.resolution.split('x');
  const metadata: Record<string, string> = {
    ss_session_id: String(1_000_000 + (options.seed ?? 0)),
    ss_training_started_at: String(started),
    ss_output_name: options.outputName,
    ss_learning_rate: '0.0001',
    ss_text_encoder_lr: '5e-05',
    ss_unet_lr: '0.0001',
    ss_num_train_images: String(images),
    ss_num_reg_images: '0',
    ss_num_epochs: '10',
    ss_epoch: '10',
    ss_batch_size_per_device: '2',
    ss_max_train_steps: String(images * 5),
    ss_lr_scheduler: 'cosine_with_restarts',
    ss_network_module: options.module ?? 'networks.lora',
    ...(options.networkArgs ? { ss_network_args: JSON.stringify(options.networkArgs) } : {}),
    ss_network_dim: String(options.rank),
    ss_network_alpha: String(options.alpha),
    ss_mixed_precision: 'fp16',
    ss_v2: options.family === 'sd2' ? 'True' : 'False',
    ss_base_model_version: base.version,
    ss_clip_skip: options.family === 'sd1' ? '2' : 'None',
    ss_sd_model_name: base.model,
    ss_resolution: `(${width}, ${height})`,
    ss_enable_bucket: 'True',
    ss_optimizer: 'bitsandbytes.optim.adamw.AdamW8bit',
    ss_seed: String(42 + (options.seed ?? 0)),
    ss_dataset_dirs: JSON.stringify(Object.fromEntries(Object.keys(options.tagFrequency ?? {}).map((dir) => [dir, { n_repeats: 10, img_count: 24 }]))),
    'modelspec.sai_model_spec': '1.0.0',
    'modelspec.architecture': base.architecture,
    'modelspec.implementation': 'https://github.com/Stability-AI/generative-models',
    'modelspec.title': options.title ?? options.outputName,
    'modelspec.resolution': base.resolution,
    'modelspec.date': new Date(started * 1000).toISOString().slice(0, 19),
    'modelspec.prediction_type': options.family === 'sd2' ? 'v' : 'epsilon',
  };
  if (options.tagFrequency) metadata['ss_tag_frequency'] = JSON.stringify(options.tagFrequency);
  if (options.triggerPhrase) metadata['modelspec.trigger_phrase'] = options.triggerPhrase;
  if (options.trainedWords) metadata['trained_words'] = JSON.stringify(options.trainedWords);
  return metadata;
}

export interface LoraFixture extends LoraTensorOptions {
  /** File stem. */
  name: string;
  /** Sub-folder below the LoRA folder (`styles/ink`). */
  subdir?: string;
  /** Kohya metadata (default), none, or exactly these strings. */
  metadata?: 'kohya' | 'none' | Record<string, string>;
  outputName?: string;
  tagFrequency?: Record<string, Record<string, number>>;
  triggerPhrase?: string;
  trainedWords?: string[];
  title?: string;
  /** Write `sshs_model_hash` (as sd-scripts does) — default true with kohya metadata. */
  sshsHash?: boolean;
  /** A1111 user metadata, written to NAME.json. */
  userMetadata?: Record<string, unknown>;
  /** Civitai Helper info, written to NAME.civitai.info. */
  civitai?: Record<string, unknown>;
  /** Written to NAME.txt. */
  description?: string;
  /** Write a preview: `true` → NAME.png, `'preview'` → NAME.preview.png. */
  preview?: boolean | 'preview';
  /** Extra `ss_tag_frequency` tags to push the header towards ~1 MB (thousands of keys plus a large tag list). */
  bigHeader?: boolean;
  seed?: number;
  /** Write a pickle-era `.pt` file instead (arbitrary bytes: it is never opened). */
  pickle?: boolean;
}

/** The `ss_network_module` / `ss_network_args` a trainer writes for each format. */
function networkSettings(format: LoraFixture['format'], rank: number, alpha: number): { module?: string; networkArgs?: Record<string, string> } {
  switch (format) {
    case 'locon':
      return { networkArgs: { conv_dim: String(rank), conv_alpha: String(alpha) } };
    case 'loha':
    case 'lokr':
      return { module: 'lycoris.kohya', networkArgs: { algo: format, preset: 'full' } };
    case 'dora':
      return { module: 'lycoris.kohya', networkArgs: { algo: 'lora', dora_wd: 'True' } };
    default:
      return {};
  }
}

/** A small gradient PNG, different per seed. */
export function previewPng(seed: number, size = 32): Buffer {
  const png = new PNG({ width: size, height: size });
  const random = randomSource(seed);
  const [r, g, b] = [random(), random(), random()].map((v) => Math.floor((v + 1) * 100));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = (r! + x * 4) & 255;
      png.data[i + 1] = (g! + y * 4) & 255;
      png.data[i + 2] = (b! + (x ^ y)) & 255;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Writes `data` to `file` through a temp file and a rename, creating folders. */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, data);
  await rename(temp, file);
}

function bigTagFrequency(seed: number, count: number): Record<string, number> {
  const random = randomSource(seed);
  const words = ['line', 'plan', 'section', 'house', 'tower', 'stair', 'window', 'roof', 'facade', 'garden', 'bridge', 'court', 'hall', 'arch', 'column', 'vault'];
  const tags: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const a = words[Math.floor((random() + 1) * 8) % words.length]!;
    const b = words[Math.floor((random() + 1) * 8 + i) % words.length]!;
    tags[`${a} ${b} ${i}`] = 1 + Math.floor((random() + 1) * 10);
  }
  return tags;
}

/** Writes one LoRA (and its sidecars) under `dir`; returns the LoRA file's path. */
export async function writeLoraFixture(dir: string, fixture: LoraFixture): Promise<string> {
  const folder = fixture.subdir ? path.join(dir, fixture.subdir) : dir;
  const seed = fixture.seed ?? 1;
  const rank = fixture.rank ?? 2;
  const alpha = fixture.alpha ?? rank;
  const base = path.join(folder, fixture.name);
  let file: string;
  if (fixture.pickle) {
    // A pickle starts with protocol opcode 0x80; the rest is filler. The library must never unpickle it.
    file = `${base}.pt`;
    await writeFileAtomic(file, Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.alloc(64, seed & 255)]));
  } else {
    const options: LoraTensorOptions = { ...fixture, rank, alpha };
    if (fixture.bigHeader) {
      options.layers = Infinity;
      options.textEncoderModules = 72;
    }
    const tensors = loraTensors(options);
    let tagFrequency = fixture.tagFrequency;
    if (fixture.bigHeader) tagFrequency = { ...tagFrequency, [`5_${fixture.outputName ?? fixture.name}`]: bigTagFrequency(seed, 36_000) };
    let metadata: Record<string, string> | undefined;
    if (fixture.metadata === undefined || fixture.metadata === 'kohya') {
      metadata = kohyaMetadata({
        family: fixture.family, outputName: fixture.outputName ?? fixture.name, rank, alpha, seed,
        ...(tagFrequency ? { tagFrequency } : {}),
        ...(fixture.triggerPhrase ? { triggerPhrase: fixture.triggerPhrase } : {}),
        ...(fixture.trainedWords ? { trainedWords: fixture.trainedWords } : {}),
        ...(fixture.title ? { title: fixture.title } : {}),
        ...networkSettings(fixture.format, rank, alpha),
      });
    } else if (fixture.metadata !== 'none') metadata = { ...fixture.metadata };
    let built = buildSafetensors(tensors, metadata, seed);
    if (metadata && (fixture.sshsHash ?? (fixture.metadata === undefined || fixture.metadata === 'kohya'))) {
      // sd-scripts precalculates this over the tensor data, the same bytes A1111's addnet hash reads.
      metadata['sshs_model_hash'] = built.dataSha256;
      metadata['sshs_legacy_hash'] = built.dataSha256.slice(0, 8);
      built = buildSafetensors(tensors, metadata, seed);
    }
    file = `${base}.safetensors`;
    await writeFileAtomic(file, built.bytes);
  }
  if (fixture.userMetadata) await writeFileAtomic(`${base}.json`, `${JSON.stringify(fixture.userMetadata, null, 4)}\n`);
  if (fixture.civitai) await writeFileAtomic(`${base}.civitai.info`, `${JSON.stringify(fixture.civitai, null, 2)}\n`);
  if (fixture.description) await writeFileAtomic(`${base}.txt`, `${fixture.description}\n`);
  if (fixture.preview) await writeFileAtomic(fixture.preview === 'preview' ? `${base}.preview.png` : `${base}.png`, previewPng(seed));
  return file;
}

/** A textual-inversion embedding: `emb_params` [vectors, 768] (SD1) or `clip_l` + `clip_g` (SDXL). */
export async function writeEmbeddingFixture(dir: string, name: string, family: 'sd1' | 'sdxl', vectors: number, seed = 7): Promise<string> {
  const tensors: TensorSpec[] = family === 'sdxl'
    ? [{ name: 'clip_l', dtype: 'F16', shape: [vectors, 768] }, { name: 'clip_g', dtype: 'F16', shape: [vectors, 1280] }]
    : [{ name: 'emb_params', dtype: 'F32', shape: [vectors, 768] }];
  const file = path.join(dir, `${name}.safetensors`);
  await writeFileAtomic(file, buildSafetensors(tensors, undefined, seed).bytes);
  return file;
}

/** A checkpoint with only its identifying keys (tiny shapes), for family detection (lora-files.md §8). */
export async function writeCheckpointFixture(dir: string, name: string, family: 'sd1' | 'sd2' | 'sdxl', inpainting = false): Promise<string> {
  const textKey = family === 'sdxl'
    ? 'conditioner.embedders.1.model.transformer.resblocks.0.attn.in_proj_weight'
    : family === 'sd2' ? 'cond_stage_model.model.transformer.resblocks.0.attn.in_proj_weight'
      : 'cond_stage_model.transformer.text_model.encoder.layers.0.self_attn.q_proj.weight';
  const tensors: TensorSpec[] = [
    { name: textKey, dtype: 'F16', shape: [4, 4] },
    { name: 'model.diffusion_model.input_blocks.0.0.weight', dtype: 'F16', shape: [4, inpainting ? 9 : 4, 3, 3] },
    { name: 'first_stage_model.decoder.conv_in.weight', dtype: 'F16', shape: [4, 4, 1, 1] },
  ];
  const file = path.join(dir, `${name}.safetensors`);
  await writeFileAtomic(file, buildSafetensors(tensors, { format: 'pt' }, 11).bytes);
  return file;
}

/** A file that starts like a safetensors LoRA but stops inside its header. */
export function truncatedSafetensors(seed = 3): Buffer {
  const { bytes } = buildSafetensors(loraTensors({ family: 'sd1', rank: 1, layers: 2 }), { ss_output_name: 'broken' }, seed);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  return bytes.subarray(0, 8 + Math.floor(headerLength / 2));
}
