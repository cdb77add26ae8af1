/**
 * Tensors for fixture files: real kohya SD1/SD2/SDXL, diffusers and PEFT key names and shapes
 * (lora-files.md §3) at tiny ranks, and a safetensors encoder. Values come from a seeded generator,
 * so files (and their hashes) are reproducible.
 */
import { createHash } from 'node:crypto';

export interface TensorSpec {
  name: string;
  dtype: 'F16' | 'F32';
  shape: number[];
  /** A fixed value for every element (alpha tensors); random small values otherwise. */
  value?: number;
}

/** Deterministic numbers in [-1, 1) (a 32-bit LCG: enough for fixture weights). */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  };
}

function floatToHalf(value: number): number {
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, value);
  const bits = buffer.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = (bits >>> 13) & 0x3ff;
  if (exponent <= 0) return sign;
  if (exponent >= 31) return sign | 0x7c00;
  return sign | (exponent << 10) | mantissa;
}

/**
 * Small random weights (|w| < 0.02) as F16 and F32, made once and sliced per tensor at a seed-dependent
 * offset: generating thousands of files stays fast and every file still gets its own bytes.
 */
const POOL_ELEMENTS = 1 << 20;
/** Built on first use and never changed after (a constant, not state). */
let pools: { f16: Buffer; f32: Buffer } | undefined;
function weightPools(): { f16: Buffer; f32: Buffer } {
  if (pools) return pools;
  const random = randomSource(12345);
  const f16 = Buffer.alloc(POOL_ELEMENTS * 2);
  const f32 = Buffer.alloc(POOL_ELEMENTS * 4);
  for (let i = 0; i < POOL_ELEMENTS; i++) {
    const value = random() * 0.02;
    f16.writeUInt16LE(floatToHalf(value), i * 2);
    f32.writeFloatLE(value, i * 4);
  }
  return (pools = { f16, f32 });
}

function tensorData(tensor: TensorSpec, count: number, start: number): Buffer {
  const width = tensor.dtype === 'F16' ? 2 : 4;
  const data = Buffer.alloc(count * width);
  if (tensor.value !== undefined) {
    for (let i = 0; i < count; i++) {
      if (width === 2) data.writeUInt16LE(floatToHalf(tensor.value), i * 2);
      else data.writeFloatLE(tensor.value, i * 4);
    }
    return data;
  }
  const pool = width === 2 ? weightPools().f16 : weightPools().f32;
  for (let filled = 0; filled < data.length;) {
    const from = ((start + filled / width) % POOL_ELEMENTS) * width;
    const copied = pool.copy(data, filled, from, Math.min(pool.length, from + data.length - filled));
    filled += copied;
  }
  return data;
}

/** Encodes tensors (keys sorted, as safetensors writes them) and metadata into a .safetensors file. */
export function buildSafetensors(tensors: TensorSpec[], metadata?: Record<string, string>, seed = 1): { bytes: Buffer; dataSha256: string } {
  const random = randomSource(seed);
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const tensor of sorted) {
    const count = tensor.shape.reduce((product, d) => product * d, 1);
    const data = tensorData(tensor, count, Math.floor((random() + 1) * POOL_ELEMENTS));
    header[tensor.name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + data.length] };
    chunks.push(data);
    offset += data.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  // The format pads the header with spaces to a multiple of 8 bytes.
  const padding = (8 - (json.length % 8)) % 8;
  if (padding) json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const data = Buffer.concat(chunks);
  return { bytes: Buffer.concat([length, json, data]), dataSha256: createHash('sha256').update(data).digest('hex') };
}

export type FixtureFamily = 'sd1' | 'sd2' | 'sdxl' | 'flux';
export type FixtureFormat = 'kohya' | 'locon' | 'loha' | 'lokr' | 'dora' | 'full' | 'peft' | 'diffusers';

interface Module {
  /** kohya name (`lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k`). */
  kohya: string;
  /** diffusers dotted path below `unet.` / `text_encoder.` (`down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k`). */
  dotted: string;
  prefix: 'unet' | 'text_encoder' | 'text_encoder_2' | 'transformer';
  inFeatures: number;
  outFeatures: number;
  /** Convolution kernel (LoCon on resnet convs), 1 for linear layers. */
  kernel: number;
}

function transformerBlockModules(kohyaBase: string, dottedBase: string, channels: number, context: number): Module[] {
  const linear = (suffix: string, dottedSuffix: string, inFeatures: number, outFeatures: number): Module => ({
    kohya: `${kohyaBase}_${suffix}`, dotted: `${dottedBase}.${dottedSuffix}`, prefix: 'unet', inFeatures, outFeatures, kernel: 1,
  });
  return [
    linear('attn2_to_k', 'attn2.to_k', context, channels),
    linear('attn2_to_v', 'attn2.to_v', context, channels),
    linear('attn2_to_q', 'attn2.to_q', channels, channels),
    linear('attn2_to_out_0', 'attn2.to_out.0', channels, channels),
    linear('attn1_to_q', 'attn1.to_q', channels, channels),
    linear('attn1_to_k', 'attn1.to_k', channels, channels),
    linear('attn1_to_v', 'attn1.to_v', channels, channels),
    linear('attn1_to_out_0', 'attn1.to_out.0', channels, channels),
    linear('ff_net_0_proj', 'ff.net.0.proj', channels, channels * 8),
    linear('ff_net_2', 'ff.net.2', channels * 4, channels),
  ];
}

function textEncoderModules(kohyaPrefix: string, prefix: Module['prefix'], layers: number, width: number): Module[] {
  const modules: Module[] = [];
  for (let i = 0; i < layers; i++) {
    const base = `text_model.encoder.layers.${i}`;
    const add = (name: string, inFeatures: number, outFeatures: number) => modules.push({
      kohya: `${kohyaPrefix}_${`${base}.${name}`.replace(/\./g, '_')}`, dotted: `${base}.${name}`, prefix, inFeatures, outFeatures, kernel: 1,
    });
    add('self_attn.q_proj', width, width);
    add('self_attn.k_proj', width, width);
    add('self_attn.v_proj', width, width);
    add('self_attn.out_proj', width, width);
    add('mlp.fc1', width, width * 4);
    add('mlp.fc2', width * 4, width);
  }
  return modules;
}

/** Every attention module of the SD1/SD2 UNet (diffusers block names, which kohya also uses for SD1/SD2). */
function sd1UnetModules(context: number): Module[] {
  const modules: Module[] = [];
  const blocks: Array<[string, number, number]> = [
    ['down_blocks_0', 320, 2], ['down_blocks_1', 640, 2], ['down_blocks_2', 1280, 2],
    ['up_blocks_1', 1280, 3], ['up_blocks_2', 640, 3], ['up_blocks_3', 320, 3],
  ];
  for (const [block, channels, attentions] of blocks) {
    for (let a = 0; a < attentions; a++) {
      const kohya = `lora_unet_${block}_attentions_${a}_transformer_blocks_0`;
      const dotted = `${block.replace('_blocks_', '_blocks.')}.attentions.${a}.transformer_blocks.0`;
      modules.push(...transformerBlockModules(kohya, dotted, channels, context));
    }
  }
  modules.push(...transformerBlockModules('lora_unet_mid_block_attentions_0_transformer_blocks_0', 'mid_block.attentions.0.transformer_blocks.0', 1280, context));
  return modules;
}

/** SDXL kohya keys use the original (LDM) block names: input_blocks_4_1, middle_block_1, output_blocks_0_1 … */
function sdxlUnetModules(): Module[] {
  const modules: Module[] = [];
  const blocks: Array<[string, string, number, number]> = [
    ['input_blocks_4_1', 'down_blocks.1.attentions.0', 640, 2], ['input_blocks_5_1', 'down_blocks.1.attentions.1', 640, 2],
    ['input_blocks_7_1', 'down_blocks.2.attentions.0', 1280, 10], ['input_blocks_8_1', 'down_blocks.2.attentions.1', 1280, 10],
    ['middle_block_1', 'mid_block.attentions.0', 1280, 10],
    ['output_blocks_0_1', 'up_blocks.0.attentions.0', 1280, 10], ['output_blocks_1_1', 'up_blocks.0.attentions.1', 1280, 10],
    ['output_blocks_2_1', 'up_blocks.0.attentions.2', 1280, 10], ['output_blocks_3_1', 'up_blocks.1.attentions.0', 640, 2],
    ['output_blocks_4_1', 'up_blocks.1.attentions.1', 640, 2], ['output_blocks_5_1', 'up_blocks.1.attentions.2', 640, 2],
  ];
  for (const [block, dotted, channels, depth] of blocks) {
    for (let t = 0; t < depth; t++) {
      modules.push(...transformerBlockModules(`lora_unet_${block}_transformer_blocks_${t}`, `${dotted}.transformer_blocks.${t}`, channels, 2048));
    }
  }
  return modules;
}

function fluxModules(): Module[] {
  const modules: Module[] = [];
  for (let i = 0; i < 19; i++) {
    for (const part of ['attn.to_q', 'attn.to_k', 'attn.to_v', 'attn.to_out.0']) {
      modules.push({ kohya: '', dotted: `transformer_blocks.${i}.${part}`, prefix: 'transformer', inFeatures: 3072, outFeatures: 3072, kernel: 1 });
    }
  }
  return modules;
}

/** Picks `count` modules spread over the list, cross-attention keys first, so small files still show the family. */
function pick(modules: Module[], count: number): Module[] {
  if (count >= modules.length) return modules;
  // Small files keep to attention layers (the feed-forward ones are 4-8× wider).
  if (count < 24) modules = modules.filter((module) => /attn/.test(module.dotted));
  const chosen: Module[] = [];
  const step = Math.max(1, Math.floor(modules.length / count));
  for (let i = 0; chosen.length < count && i < modules.length; i += step) chosen.push(modules[i]!);
  return chosen;
}

export interface LoraTensorOptions {
  family: FixtureFamily;
  format?: FixtureFormat;
  rank?: number;
  alpha?: number;
  /** Number of UNet modules (default 4); `Infinity` for every attention module. */
  layers?: number;
  /** Text-encoder modules per encoder (default 2: q_proj and k_proj of layer 0; SDXL has two encoders); 0 for a UNet-only LoRA. */
  textEncoderModules?: number;
}

/** The tensors of a LoRA of the given family and format. */
export function loraTensors(options: LoraTensorOptions): TensorSpec[] {
  const { family, format = 'kohya', rank = 2, alpha = rank } = options;
  const layers = options.layers ?? 4;
  const teCount = options.textEncoderModules ?? 2;
  const teLayers = Math.ceil(teCount / 6);
  let modules: Module[];
  if (family === 'flux') modules = pick(fluxModules(), layers);
  else if (family === 'sdxl') {
    modules = [...pick(sdxlUnetModules(), layers), ...textEncoderModules('lora_te1', 'text_encoder', teLayers, 768).slice(0, teCount),
      ...textEncoderModules('lora_te2', 'text_encoder_2', teLayers, 1280).slice(0, teCount)];
  } else {
    const context = family === 'sd2' ? 1024 : 768;
    modules = [...pick(sd1UnetModules(context), layers), ...textEncoderModules('lora_te', 'text_encoder', teLayers, family === 'sd2' ? 1024 : 768).slice(0, teCount)];
  }
  const tensors: TensorSpec[] = [];
  for (const module of modules) {
    const { inFeatures: inF, outFeatures: outF } = module;
    const kohyaName = module.kohya || `lora_transformer_${module.dotted.replace(/\./g, '_')}`;
    const dottedName = `${module.prefix}.${module.dotted}`;
    switch (format) {
      case 'peft':
        tensors.push({ name: `${dottedName}.lora_A.weight`, dtype: 'F16', shape: [rank, inF] });
        tensors.push({ name: `${dottedName}.lora_B.weight`, dtype: 'F16', shape: [outF, rank] });
        break;
      case 'diffusers':
        if (module.prefix === 'unet') {
          const attention = module.dotted.replace(/\.(to_[qkv]|to_out\.0)$/, '.processor');
          const proj = module.dotted.endsWith('to_out.0') ? 'to_out_lora' : `${module.dotted.split('.').pop()}_lora`;
          if (attention === module.dotted) break; // feed-forward layers have no attention processor
          tensors.push({ name: `unet.${attention}.${proj}.down.weight`, dtype: 'F16', shape: [rank, inF] });
          tensors.push({ name: `unet.${attention}.${proj}.up.weight`, dtype: 'F16', shape: [outF, rank] });
        } else {
          tensors.push({ name: `${dottedName}.lora_linear_layer.down.weight`, dtype: 'F16', shape: [rank, inF] });
          tensors.push({ name: `${dottedName}.lora_linear_layer.up.weight`, dtype: 'F16', shape: [outF, rank] });
        }
        break;
      case 'loha':
        tensors.push({ name: `${kohyaName}.hada_w1_a`, dtype: 'F16', shape: [outF, rank] });
        tensors.push({ name: `${kohyaName}.hada_w1_b`, dtype: 'F16', shape: [rank, inF] });
        tensors.push({ name: `${kohyaName}.hada_w2_a`, dtype: 'F16', shape: [outF, rank] });
        tensors.push({ name: `${kohyaName}.hada_w2_b`, dtype: 'F16', shape: [rank, inF] });
        tensors.push({ name: `${kohyaName}.alpha`, dtype: 'F16', shape: [], value: alpha });
        break;
      case 'lokr':
        tensors.push({ name: `${kohyaName}.lokr_w1`, dtype: 'F16', shape: [4, 4] });
        tensors.push({ name: `${kohyaName}.lokr_w2_a`, dtype: 'F16', shape: [outF / 4, rank] });
        tensors.push({ name: `${kohyaName}.lokr_w2_b`, dtype: 'F16', shape: [rank, inF / 4] });
        tensors.push({ name: `${kohyaName}.alpha`, dtype: 'F16', shape: [], value: alpha });
        break;
      case 'full':
        tensors.push({ name: `${kohyaName}.diff`, dtype: 'F16', shape: [Math.min(outF, 8), Math.min(inF, 8)] });
        break;
      default:
        tensors.push({ name: `${kohyaName}.lora_down.weight`, dtype: 'F16', shape: [rank, inF] });
        tensors.push({ name: `${kohyaName}.lora_up.weight`, dtype: 'F16', shape: [outF, rank] });
        tensors.push({ name: `${kohyaName}.alpha`, dtype: 'F16', shape: [], value: alpha });
        if (format === 'dora') tensors.push({ name: `${kohyaName}.dora_scale`, dtype: 'F16', shape: [1, inF] });
    }
  }
  if (format === 'locon' && family !== 'flux') {
    // LoCon adds the 3×3 convolutions of the resnets (kohya conv_dim).
    const conv = family === 'sdxl' ? 'lora_unet_input_blocks_1_0_in_layers_2' : 'lora_unet_down_blocks_0_resnets_0_conv1';
    tensors.push({ name: `${conv}.lora_down.weight`, dtype: 'F16', shape: [rank, 320, 3, 3] });
    tensors.push({ name: `${conv}.lora_up.weight`, dtype: 'F16', shape: [320, rank, 1, 1] });
    tensors.push({ name: `${conv}.alpha`, dtype: 'F16', shape: [], value: alpha });
  }
  return tensors;
}
