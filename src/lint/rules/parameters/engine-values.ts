import { mapSamplerToComfy } from '../../../engines/samplers.js';
import type { EngineKind, GenerationParameters } from '../../../semantics/model.js';
import type { Rule } from '../../types.js';
import { formatWeight } from '../../walk.js';
import { paramEntry } from './shared.js';

interface Limit {
  key: 'steps' | 'cfg' | 'width' | 'height' | 'batch-size' | 'denoise';
  min: number;
  max: number;
  source: string;
}

/**
 * Input limits the engines enforce. ComfyUI: nodes.py KSampler (steps 1..10000, cfg 0..100,
 * denoise 0..1), EmptyLatentImage (16..16384, batch 1..4096); stable-diffusion.cpp sd-server
 * capabilities (size 64..4096, batch ≤ 8). See ../shared/reference/engine-apis.md §3, §8.
 */
const LIMITS: Partial<Record<EngineKind, Limit[]>> = {
  comfyui: [
    { key: 'steps', min: 1, max: 10000, source: 'KSampler' },
    { key: 'cfg', min: 0, max: 100, source: 'KSampler' },
    { key: 'width', min: 16, max: 16384, source: 'EmptyLatentImage' },
    { key: 'height', min: 16, max: 16384, source: 'EmptyLatentImage' },
    { key: 'batch-size', min: 1, max: 4096, source: 'EmptyLatentImage' },
  ],
  sdcpp: [
    { key: 'width', min: 64, max: 4096, source: 'sd-server' },
    { key: 'height', min: 64, max: 4096, source: 'sd-server' },
    { key: 'batch-size', min: 1, max: 8, source: 'sd-server' },
  ],
};

function valueOf(parameters: GenerationParameters, key: Limit['key']): number | undefined {
  switch (key) {
    case 'steps':
      return parameters.steps;
    case 'cfg':
      return parameters.cfg;
    case 'width':
      return parameters.width;
    case 'height':
      return parameters.height;
    case 'batch-size':
      return parameters.batchSize;
    case 'denoise':
      return parameters.init?.denoise;
  }
}

export const engineValues: Rule = {
  meta: {
    id: 'parameters/engine-values',
    category: 'parameters',
    description: 'A parameter value the target engine rejects or cannot reproduce (sampler, scheduler, ranges).',
    defaultSeverity: 'error',
    examples: {
      valid: [{ code: '@params\nengine: comfyui\nsampler: DPM++ 2M\nsteps: 30\n@prompt\na house' }],
      invalid: [
        { code: '@params\nengine: comfyui\nsampler: Restart\n@prompt\na house', errors: 1 },
        { code: '@params\nengine: sdcpp\nsize: 4104x512\n@prompt\na house', errors: 1 },
      ],
    },
  },
  check(context) {
    const seen = new Set<string>();
    const report = (range: Parameters<typeof context.report>[0]['range'], message: string) => {
      const key = `${range.start.offset}\0${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      context.report({ range, message });
    };
    for (const prompt of context.model.prompts) {
      const engine = context.engineOf(prompt);
      const parameters = prompt.parameters;
      for (const limit of LIMITS[engine] ?? []) {
        const value = valueOf(parameters, limit.key);
        if (value === undefined || !Number.isFinite(value) || (value >= limit.min && value <= limit.max)) continue;
        const entry =
          paramEntry(context.file, prompt, limit.key) ??
          (limit.key === 'width' || limit.key === 'height' ? paramEntry(context.file, prompt, 'size') : undefined);
        report(
          entry?.value?.range ?? entry?.range ?? prompt.node.range,
          `${limit.key} ${formatWeight(value)} is outside ${limit.min}..${limit.max}, which ${engine} accepts (${limit.source}); it would reject the job.`,
        );
      }
      if (engine === 'comfyui' && parameters.sampler !== undefined) {
        const mapping = mapSamplerToComfy(parameters.sampler, parameters.scheduler);
        if (mapping.problem) {
          const key = /schedule type/.test(mapping.problem) ? 'scheduler' : 'sampler';
          const entry = paramEntry(context.file, prompt, key) ?? paramEntry(context.file, prompt, 'sampler');
          report(entry?.value?.range ?? entry?.range ?? prompt.node.range, `ComfyUI: ${mapping.problem}. Choose one ComfyUI has.`);
        }
      }
    }
  },
};
