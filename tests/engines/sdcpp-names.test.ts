/**
 * Sampler and schedule-type names sent to sd-server must be names it knows: it ignores an unknown
 * `sampler_name`/`scheduler` without an error (routes_sdapi.cpp), so a wrong one would silently render
 * with its default. The fixture is what the real sd-server (97d2990) lists in /sdcpp/v1/capabilities.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lowerPromptModel } from '../../src/compile/lower.js';
import { toSdcppBody } from '../../src/engines/sdcpp.js';
import { promptModel } from '../compile/model-builder.js';

const capabilities = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/sdcpp-capabilities.json'), 'utf8')) as { samplers: string[]; schedulers: string[] };

// A1111 v1.10 sampler names and schedule types (modules/sd_samplers_kdiffusion.py, sd_schedulers.py).
const A1111_SAMPLERS = ['DPM++ 2M', 'DPM++ SDE', 'DPM++ 2M SDE', 'DPM++ 2M SDE Heun', 'DPM++ 2S a', 'DPM++ 3M SDE', 'Euler a', 'Euler', 'LMS', 'Heun', 'DPM2', 'DPM2 a', 'DPM fast', 'DPM adaptive', 'Restart', 'DDIM', 'DDIM CFG++', 'PLMS', 'UniPC', 'LCM', 'DPM++ 2M Karras'];
const A1111_SCHEDULERS = ['Uniform', 'Karras', 'Exponential', 'Polyexponential', 'SGM Uniform', 'KL Optimal', 'Align Your Steps', 'Simple', 'Normal', 'DDIM', 'Beta'];

const body = (params: { sampler?: string; scheduler?: string }) => toSdcppBody(lowerPromptModel(promptModel({ text: 'a house' }, undefined, params), 0));

describe('sd-server sampler and scheduler names', () => {
  it.each(A1111_SAMPLERS)('%s: a name sd-server lists, or a warning that its default is used', (sampler) => {
    const { payload, notes } = body({ sampler });
    if (payload.sampler_name !== undefined) expect(capabilities.samplers).toContain(payload.sampler_name);
    else expect(notes.map((n) => n.code)).toContain('engine/sampler');
  });

  it.each(A1111_SCHEDULERS)('schedule type %s: a name sd-server lists, or a warning', (scheduler) => {
    const { payload, notes } = body({ sampler: 'Euler', scheduler });
    if (payload.scheduler !== undefined) expect(capabilities.schedulers).toContain(payload.scheduler);
    else expect(notes.map((n) => n.code)).toContain('engine/sampler');
  });

  it('maps the samplers and schedules sd-server has under other names', () => {
    expect(['DPM++ 2M SDE', 'LMS', 'DDIM', 'Euler a'].map((sampler) => body({ sampler }).payload.sampler_name)).toEqual(['dpm++2m_sde', 'lms', 'ddim_trailing', 'euler_a']);
    expect(['KL Optimal', 'Beta', 'Align Your Steps'].map((scheduler) => body({ sampler: 'Euler', scheduler }).payload.scheduler)).toEqual(['kl_optimal', 'beta', 'ays']);
    expect(body({ sampler: 'DPM++ 2M Karras' }).payload).toMatchObject({ sampler_name: 'dpm++2m', scheduler: 'karras' });
  });
});
