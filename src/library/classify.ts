/**
 * Tells what a file is from its tensor keys and metadata alone (lora-files.md §3, §4, §8):
 * the key format, the network algorithm, the base-model family, the rank and which parts it touches.
 */
import type { BaseModel, BaseModelSource, KeyFormat, NetworkAlgorithm } from './types.js';
import type { TensorInfo } from './safetensors.js';

export interface LoraKeyFacts {
  keyFormat: KeyFormat;
  algorithm: NetworkAlgorithm;
  baseModel: BaseModel;
  rank?: number;
  /** The first `.alpha` tensor, to read when the metadata has no `ss_network_alpha`. */
  alphaKey?: string;
  targets: { unet: boolean; textEncoder: boolean };
  /** True when the keys look like a textual-inversion embedding rather than a network. */
  looksLikeEmbedding: boolean;
}

/**
 * The width of the text-encoder output the UNet's cross-attention reads tells the family:
 * 768 = SD1 (CLIP ViT-L), 1024 = SD2 (OpenCLIP ViT-H), 2048 = SDXL (ViT-L + bigG concatenated).
 */
const CONTEXT_WIDTH: Record<number, BaseModel> = { 768: 'sd1', 1024: 'sd2', 2048: 'sdxl' };
/** Text-encoder hidden widths: 768 = CLIP ViT-L (SD1, SDXL te1), 1024 = OpenCLIP ViT-H (SD2), 1280 = bigG (SDXL te2). */
const TEXT_ENCODER_WIDTH: Record<number, BaseModel> = { 1024: 'sd2', 1280: 'sdxl' };

export function classifyLoraKeys(tensors: Map<string, TensorInfo>): LoraKeyFacts {
  let kohya = 0, peft = 0, diffusers = 0;
  let lora = false, loha = false, lokr = false, dora = false, full = false, ia3 = false, oft = false, glora = false;
  let conv = false;
  let rank: number | undefined;
  let alphaKey: string | undefined;
  let unet = false, textEncoder = false, transformer = false, sdxlNames = false, te2 = false;
  let contextFamily: BaseModel | undefined;
  let teFamily: BaseModel | undefined;
  let embeddingKeys = 0;

  for (const [key, info] of tensors) {
    if (key.startsWith('lora_')) kohya++;
    if (key.startsWith('lora_unet_') || key.startsWith('unet.') || key.startsWith('diffusion_model.')) unet = true;
    if (key.startsWith('lora_te') || key.startsWith('text_encoder')) textEncoder = true;
    if (key.startsWith('lora_te2_') || key.startsWith('text_encoder_2.')) te2 = true;
    if (/^lora_unet_(input_blocks|output_blocks|middle_block)_/.test(key)) sdxlNames = true;
    if (
      key.startsWith('transformer.') || key.startsWith('lora_transformer_') || key.startsWith('diffusion_model.') ||
      /^lora_unet_(double_blocks|single_blocks|joint_blocks)_/.test(key)
    ) {
      transformer = true;
      unet = true;
    }
    if (key === 'emb_params' || key === 'clip_l' || key === 'clip_g' || key.startsWith('string_to_param')) embeddingKeys++;

    // Old diffusers names end `…to_k_lora.down.weight` or `….lora_linear_layer.down.weight`.
    const diffusersStyle = (key.endsWith('.down.weight') || key.endsWith('.up.weight')) && /([._]lora|\.lora_linear_layer)\.(down|up)\.weight$/.test(key);
    const isDown = key.endsWith('.lora_down.weight') || key.endsWith('.lora_A.weight') || (diffusersStyle && key.endsWith('.down.weight'));
    if (key.endsWith('.lora_A.weight') || key.endsWith('.lora_B.weight')) peft++;
    else if (diffusersStyle) diffusers++;
    if (isDown) {
      lora = true;
      rank ??= info.shape[0];
      // A 3×3 (or any k>1) convolution down-projection is LoCon (LoRA for conv layers).
      if (info.shape.length === 4 && (info.shape[2]! > 1 || info.shape[3]! > 1)) conv = true;
      if (/attn2[._](processor\.)?to_k/.test(key) && info.shape.length === 2) contextFamily ??= CONTEXT_WIDTH[info.shape[1]!];
      if (/(lora_te1?_|text_encoder\.).*q_proj/.test(key) && info.shape.length === 2) teFamily ??= TEXT_ENCODER_WIDTH[info.shape[1]!];
    } else if (key.endsWith('.lora_mid.weight')) conv = true;
    else if (key.endsWith('.hada_w1_a')) loha = true;
    else if (key.endsWith('.hada_w1_b')) {
      rank ??= info.shape[0];
      if (/attn2_to_k/.test(key) && info.shape.length === 2) contextFamily ??= CONTEXT_WIDTH[info.shape[1]!];
    } else if (/\.lokr_w[12](_[ab])?$/.test(key)) lokr = true;
    else if (key.endsWith('.dora_scale')) dora = true;
    else if (key.endsWith('.diff')) full = true;
    else if (key.endsWith('.on_input')) ia3 = true;
    else if (key.endsWith('.oft_blocks') || key.endsWith('.oft_diag')) oft = true;
    else if (key.endsWith('.a1.weight')) glora = true;
    else if (key.endsWith('.alpha')) alphaKey ??= key;
  }

  const keyFormat: KeyFormat = peft > 0 ? 'peft' : diffusers > 0 ? 'diffusers' : kohya > 0 ? 'kohya'
    : embeddingKeys > 0 ? 'embedding' : 'unknown';
  const algorithm: NetworkAlgorithm = loha ? 'loha' : lokr ? 'lokr' : dora ? 'dora' : oft ? 'oft' : glora ? 'glora'
    : ia3 ? 'ia3' : lora ? (conv ? 'locon' : 'lora') : full ? 'full' : 'unknown';

  let baseModel: BaseModel = 'unknown';
  if (transformer) baseModel = 'sd3-flux';
  else if (te2 || sdxlNames || contextFamily === 'sdxl' || teFamily === 'sdxl') baseModel = 'sdxl';
  else if (contextFamily) baseModel = contextFamily;
  else if (teFamily) baseModel = teFamily;
  else if (textEncoder || unet) {
    // SD1 and SD2 share key names; without a cross-attention or q_proj shape to read, the
    // 768-wide text encoder of SD1 is the common case but not a certainty.
    baseModel = 'unknown';
  }
  return {
    keyFormat,
    algorithm,
    baseModel,
    ...(rank !== undefined ? { rank } : {}),
    ...(alphaKey !== undefined ? { alphaKey } : {}),
    targets: { unet, textEncoder },
    looksLikeEmbedding: embeddingKeys > 0 && !lora && !loha && !lokr && !full,
  };
}

/** The family the training metadata states, with where it was stated; undefined when it says nothing. */
export function familyFromMetadata(metadata: Record<string, string>): { baseModel: BaseModel; source: BaseModelSource } | undefined {
  const architecture = metadata['modelspec.architecture'];
  if (architecture) {
    const family = familyFromArchitecture(architecture);
    if (family !== 'unknown') return { baseModel: family, source: 'modelspec' };
  }
  const version = metadata['ss_base_model_version'];
  if (version) {
    if (version.startsWith('sdxl_')) return { baseModel: 'sdxl', source: 'kohya-metadata' };
    if (version.startsWith('sd_v2')) return { baseModel: 'sd2', source: 'kohya-metadata' };
    if (version.startsWith('sd_v1')) return { baseModel: 'sd1', source: 'kohya-metadata' };
    if (/^(sd3|flux)/.test(version)) return { baseModel: 'sd3-flux', source: 'kohya-metadata' };
  }
  if (metadata['ss_v2'] === 'True') return { baseModel: 'sd2', source: 'kohya-metadata' };
  return undefined;
}

/** `modelspec.architecture` values such as `stable-diffusion-xl-v1-base/lora`, `flux-1-dev/lora`. */
export function familyFromArchitecture(architecture: string): BaseModel {
  const value = architecture.toLowerCase();
  if (value.startsWith('stable-diffusion-xl')) return 'sdxl';
  if (value.startsWith('stable-diffusion-v1')) return 'sd1';
  if (value.startsWith('stable-diffusion-v2')) return 'sd2';
  if (value.startsWith('stable-diffusion-v3') || value.startsWith('flux')) return 'sd3-flux';
  return 'unknown';
}

/**
 * A1111's own guess, used to hide cards of another version (Lora/network.py detect_version):
 * only `ss_base_model_version` and `ss_v2` are read; any other metadata means SD1.
 */
export function a1111Version(metadata: Record<string, string>): 'SD1' | 'SD2' | 'SDXL' | 'Unknown' {
  if ((metadata['ss_base_model_version'] ?? '').startsWith('sdxl_')) return 'SDXL';
  if (metadata['ss_v2'] === 'True') return 'SD2';
  if (Object.keys(metadata).length > 0) return 'SD1';
  return 'Unknown';
}

/** Civitai `baseModel` names (`SD 1.5`, `SDXL 1.0`, `Pony`, `Illustrious`, `Flux.1 D`, …). */
export function familyFromCivitai(baseModel: string): BaseModel {
  const value = baseModel.toLowerCase();
  if (/^sd 1\./.test(value)) return 'sd1';
  if (/^sd 2\./.test(value)) return 'sd2';
  if (value.startsWith('sdxl') || /^(pony|illustrious|noobai)/.test(value)) return 'sdxl';
  if (/^(sd 3|flux)/.test(value)) return 'sd3-flux';
  return 'unknown';
}

/** The user's `sd version` in A1111's `NAME.json` (`SD1`, `SD2`, `SDXL`, `Unknown`), matched exactly as A1111 does. */
export function familyFromUserVersion(version: string): BaseModel {
  switch (version) {
    case 'SD1':
      return 'sd1';
    case 'SD2':
      return 'sd2';
    case 'SDXL':
      return 'sdxl';
    default:
      return 'unknown';
  }
}

export interface CheckpointKeyFacts {
  baseModel: BaseModel;
  inpainting: boolean;
}

/** lora-files.md §8: the text-encoder key names tell SD1, SD2 and SDXL checkpoints apart. */
export function classifyCheckpointKeys(tensors: Map<string, TensorInfo>): CheckpointKeyFacts {
  let baseModel: BaseModel = 'unknown';
  let sdxl = false, sd2 = false, sd1 = false, transformer = false;
  for (const key of tensors.keys()) {
    if (key.startsWith('conditioner.embedders.1.model.transformer') || key.startsWith('conditioner.embedders.0.model.transformer')) sdxl = true;
    else if (key.startsWith('cond_stage_model.model.transformer')) sd2 = true;
    else if (key.startsWith('cond_stage_model.transformer.text_model')) sd1 = true;
    else if (/^(model\.diffusion_model\.)?(joint_blocks|double_blocks|single_blocks)\./.test(key)) transformer = true;
  }
  if (transformer) baseModel = 'sd3-flux';
  else if (sdxl) baseModel = 'sdxl';
  else if (sd2) baseModel = 'sd2';
  else if (sd1) baseModel = 'sd1';
  const firstConv = tensors.get('model.diffusion_model.input_blocks.0.0.weight');
  return { baseModel, inpainting: firstConv !== undefined && firstConv.shape[1] === 9 };
}

/** Textual-inversion safetensors: `emb_params` [n, 768|1024] (SD1/SD2) or `clip_l` + `clip_g` (SDXL). */
export function classifyEmbeddingKeys(tensors: Map<string, TensorInfo>): { baseModel: BaseModel; vectors?: number } {
  const clipG = tensors.get('clip_g');
  if (clipG) return { baseModel: 'sdxl', vectors: clipG.shape[0] };
  const params = tensors.get('emb_params') ?? [...tensors.values()][0];
  if (!params || params.shape.length !== 2) return { baseModel: 'unknown' };
  const width = params.shape[1];
  return { baseModel: width === 768 ? 'sd1' : width === 1024 ? 'sd2' : 'unknown', vectors: params.shape[0] };
}

/**
 * Without the keys (an engine sends only metadata), the training settings tell the algorithm:
 * sd-scripts `networks.lora` is LoRA, or LoCon with a `conv_dim`; LyCORIS writes its `algo`.
 */
export function algorithmFromMetadata(metadata: Record<string, string>): NetworkAlgorithm {
  const module = metadata['ss_network_module'];
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(metadata['ss_network_args'] ?? '{}');
    if (parsed && typeof parsed === 'object') args = parsed as Record<string, unknown>;
  } catch {
    // not JSON: no arguments to read
  }
  if (module === 'networks.lora' || module === 'networks.dylora') return args['conv_dim'] !== undefined ? 'locon' : 'lora';
  if (module?.startsWith('lycoris.')) {
    const algo = String(args['algo'] ?? 'lora').toLowerCase();
    const known: Record<string, NetworkAlgorithm> = {
      lora: 'lora', locon: 'locon', loha: 'loha', lokr: 'lokr', ia3: 'ia3', full: 'full', 'diag-oft': 'oft', oft: 'oft', boft: 'oft', glora: 'glora',
    };
    const algorithm = known[algo] ?? 'unknown';
    return algorithm === 'lora' && args['dora_wd'] !== undefined && String(args['dora_wd']).toLowerCase() === 'true' ? 'dora' : algorithm;
  }
  return 'unknown';
}
