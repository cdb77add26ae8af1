/**
 * `sdprompt explain FILE` for people: for each prompt, the LoRAs with te/unet multipliers, the
 * other extra networks, the AND parts with their weights, and for each schedule step the BREAK
 * chunks with their weighted segments. The file goes through the prompt-file parser and analyze()
 * (bare prompt, infotext block or structured .sdprompt file), so fragments, includes and the file's
 * steps / hires steps apply; --steps / --hires-steps override them.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { A1111Conditioning, ScheduleOptions } from '../../semantics/model.js';
import { conditionA1111, DEFAULT_STEPS, loraUses, toExplainJson } from '../../semantics/a1111/index.js';
import { parse } from '../../grammar/index.js';
import { analyze } from '../../semantics/analyze.js';
import { CliError, readAll, type CliContext } from '../context.js';

export interface ExplainFileOptions {
  steps?: number;
  hiresSteps?: number;
  json: boolean;
}

interface ExplainedPrompt {
  name: string;
  text: string;
  options: ScheduleOptions;
  condition: A1111Conditioning;
}

async function readSource(context: CliContext, file: string): Promise<string> {
  if (file === '-') return readAll(context.stdin);
  try {
    return await readFile(path.resolve(context.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${code ?? String(error)})`);
  }
}

function formatWeight(weight: number): string {
  return Number.isInteger(weight) ? weight.toFixed(1) : String(weight);
}

export function renderExplanation(prompt: ExplainedPrompt): string {
  const { condition } = prompt;
  const lines: string[] = [];
  const steps = prompt.options.hiresSteps ? `${prompt.options.steps} steps, hires ${prompt.options.hiresSteps}` : `${prompt.options.steps} steps`;
  lines.push(`${prompt.name} (${steps})`);
  if (condition.error !== undefined) {
    lines.push(`  A1111 fails on this prompt: ${condition.error}`);
    return lines.join('\n');
  }
  const loras = loraUses(condition.networks);
  for (const lora of loras) {
    const dyn = lora.dyn !== undefined ? ` dyn ${lora.dyn}` : '';
    const note = lora.error ? `  (A1111 error: ${lora.error})` : lora.explicitWeight ? '' : '  (no multiplier written)';
    lines.push(`  ${lora.type} ${lora.name}: te ${formatWeight(lora.te)}, unet ${formatWeight(lora.unet)}${dyn}${note}`);
  }
  for (const call of condition.networks) {
    if (call.type === 'lora' || call.type === 'lyco') continue;
    const known = call.type === 'hypernet' ? '' : '  (unknown type: A1111 skips it)';
    lines.push(`  <${call.type}:${call.args.join(':')}>${known}`);
  }
  if (condition.scheduleFallback) lines.push('  note: A1111\'s schedule grammar rejects this text, so it is used unscheduled at every step');
  for (const ambiguity of condition.ambiguities) lines.push(`  warning: ${ambiguity.message}`);
  const many = condition.subprompts.length > 1;
  condition.subprompts.forEach((part, index) => {
    const indent = many ? '    ' : '  ';
    if (many) lines.push(`  AND part ${index + 1} (weight ${formatWeight(part.weight)})`);
    for (const step of part.schedules) {
      lines.push(`${indent}${part.schedules.length > 1 ? `steps ..${step.step}` : `all steps (${step.step})`}:`);
      let chunk = 1;
      let line = `${indent}  chunk ${chunk}:`;
      for (const segment of step.attention) {
        if (segment.text === 'BREAK' && segment.weight < 0) {
          lines.push(line);
          chunk++;
          line = `${indent}  chunk ${chunk}:`;
          continue;
        }
        if (segment.text === '') continue;
        line += segment.weight === 1 ? ` ${JSON.stringify(segment.text)}` : ` ${JSON.stringify(segment.text)}×${formatWeight(segment.weight)}`;
      }
      lines.push(line);
    }
  });
  return lines.join('\n');
}

/** Explains every prompt of `file`; returns whether any prompt has problems (A1111 error, ambiguity). */
export async function explainFile(context: CliContext, file: string, options: ExplainFileOptions): Promise<boolean> {
  const source = await readSource(context, file);
  const filePath = file === '-' ? undefined : path.resolve(context.cwd, file);
  const prompts = explainPrompts(source, filePath, options);
  if (options.json) {
    const payload = prompts.map((p) => ({
      name: p.name,
      steps: p.options.steps,
      hires_steps: p.options.hiresSteps ?? null,
      ...toExplainJson(p.condition),
      loras: loraUses(p.condition.networks).map(({ range: _range, ...rest }) => rest),
      ambiguities: p.condition.ambiguities,
      scheduleFallback: p.condition.scheduleFallback,
    }));
    context.stdout.write(JSON.stringify(payload, null, 2) + '\n');
  } else if (prompts.length === 0) {
    context.stdout.write(`${file}: no prompts\n`);
  } else {
    context.stdout.write(prompts.map(renderExplanation).join('\n\n') + '\n');
  }
  return prompts.some((p) => p.condition.error !== undefined || p.condition.ambiguities.length > 0);
}

function readIncluded(includePath: string): string | undefined {
  try {
    return readFileSync(includePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every prompt (positive, then negative) of the document, with the step counts that apply to it. */
export function explainPrompts(source: string, filePath: string | undefined, options: Omit<ExplainFileOptions, 'json'>): ExplainedPrompt[] {
  const { ast } = parse(source);
  const model = analyze(ast, { path: filePath, readFile: readIncluded });
  const explained: ExplainedPrompt[] = [];
  model.prompts.forEach((prompt, index) => {
    const label = prompt.name ?? (model.prompts.length > 1 ? `prompt ${index + 1}` : filePath ? path.basename(filePath) : 'prompt');
    const fileHires = prompt.parameters.hires ? prompt.parameters.hires.steps || prompt.parameters.steps : null;
    const scheduleOptions: ScheduleOptions = {
      steps: options.steps ?? prompt.parameters.steps ?? DEFAULT_STEPS,
      hiresSteps: options.hiresSteps ?? fileHires,
    };
    const sides: Array<[string, typeof prompt.positive | undefined]> = [
      [label, prompt.positive],
      [`${label} (negative; A1111 activates no networks here)`, prompt.negative],
    ];
    for (const [name, side] of sides) {
      if (side === undefined) continue;
      explained.push({ name, text: side.text, options: scheduleOptions, condition: conditionA1111(side.text, scheduleOptions) });
    }
  });
  return explained;
}
