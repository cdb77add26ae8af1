import http from 'node:http';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { listen, testImage } from '../engines/servers/common.js';
import { startComfyServer, type ComfyServer } from '../engines/servers/comfyui-server.js';

async function run(argv: string[], cwd: string, tty = false) {
  return runCli(argv, cwd, '', {}, tty);
}

let server: ComfyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const FILE = '@params\ncheckpoint: sd15.safetensors\nsteps: 3\n\n@prompt plan\na floor plan <lora:JL_sectionplan:0.5>\n';

describe('sdprompt render', () => {
  it('renders a sweep grid on ComfyUI with plain progress lines, then skips it on a re-run', async () => {
    server = await startComfyServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-render-cli-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE);
    const args = ['render', 'plan.sdprompt', '--engine', server.url, '--out', 'out', '--seeds', '1,2', '--sweep', 'lora:JL_sectionplan=0.5..1.0/0.5'];
    const first = await run(args, dir);
    expect(first.code).toBe(0);
    expect(first.err).toContain('rendering [1/4] plan seed 1 JL_sectionplan=0.5');
    expect(first.err).toContain('4 written, 0 skipped, 0 failed');
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual([
      'plan-plan-s1-JL_sectionplan=0.5-01.png',
      'plan-plan-s1-JL_sectionplan=1-01.png',
      'plan-plan-s2-JL_sectionplan=0.5-01.png',
      'plan-plan-s2-JL_sectionplan=1-01.png',
      'plan-plan-sheet.png',
    ]);
    const strengths = server.prompts.map((p) => Object.values(p.prompt).find((n) => n.class_type === 'LoraLoader')!.inputs.strength_model);
    expect(strengths).toEqual([0.5, 0.5, 1, 1]);
    const again = await run(args, dir);
    expect(again.err).toContain('0 written, 4 skipped, 0 failed');
    expect(server.prompts).toHaveLength(4);
  });

  it('--dry-run prints the bodies without an engine; a sweep of an unused LoRA is a clear error', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-dry-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE);
    const dry = await run(['render', 'plan.sdprompt', '--engine-type', 'a1111', '--dry-run', '--seeds', '4'], dir);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ engine: 'a1111', outputs: ['renders/plan-plan-s4-01.png'], payload: { route: 'txt2img', body: { seed: 4 } } });
    const bad = await run(['render', 'plan.sdprompt', '--engine-type', 'a1111', '--dry-run', '--sweep', 'lora:other=0.1,0.2'], dir);
    expect(bad).toMatchObject({ code: 2, err: 'sdprompt: the prompt "plan" uses no LoRA "other" (it uses JL_sectionplan); add <lora:other:1> to sweep it\n' });
  });

  it('checks names against /object_info first and points node errors at the prompt file', async () => {
    server = await startComfyServer({ files: { loras: ['other.safetensors'] } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-nodeerr-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE);
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--seeds', '3'], dir);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      'failed plan seed 3: ComfyUI would reject the prompt: Prompt outputs failed validation (1 problem in the prompt file)\n' +
        "plan.sdprompt:6:14: error ComfyUI node 2 (LoraLoader): Value not in list: lora_name: 'JL_sectionplan.safetensors' not in [\"other.safetensors\"] [engine/comfyui-node-error]\n",
    );
    expect(server.prompts).toHaveLength(0);
  });

  it('--format json: the engine refusals as ESLint JSON on stdout, each once for all the jobs that hit it', async () => {
    server = await startComfyServer({ files: { checkpoints: ['other.safetensors'] } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-nodeerr-json-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE);
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--seeds', '1,2', '--format', 'json'], dir);
    expect(result.code).toBe(1);
    const [report, ...rest] = JSON.parse(result.out) as Array<{ filePath: string; errorCount: number; messages: Array<Record<string, unknown>> }>;
    expect(rest).toEqual([]);
    expect(report!.filePath).toBe(path.join(dir, 'plan.sdprompt'));
    expect(report!.errorCount).toBe(1);
    expect(report!.messages).toEqual([
      {
        ruleId: 'engine/comfyui-node-error',
        severity: 2,
        message: "ComfyUI node 1 (CheckpointLoaderSimple): Value not in list: ckpt_name: 'sd15.safetensors' not in [\"other.safetensors\"]",
        line: 2,
        column: 13,
        endLine: 2,
        endColumn: 29,
      },
    ]);
    // stderr keeps its lines: both jobs fail, the diagnostic is printed once.
    expect(result.err.match(/failed plan seed/g)).toHaveLength(2);
    expect(result.err.match(/plan\.sdprompt:2:13: error/g)).toHaveLength(1);
    // A file that does not compile is in the report too (and nothing is sent for it).
    await writeFile(path.join(dir, 'broken.sdprompt'), '@params\nsteps: many\n\n@prompt p\na cat\n');
    const broken = await run(['render', 'broken.sdprompt', '--engine', server.url, '--engine-type', 'comfyui', '--format', 'json'], dir);
    expect(broken.code).toBe(1);
    const [brokenReport] = JSON.parse(broken.out) as Array<{ errorCount: number; messages: Array<{ ruleId: string; line: number; severity: number }> }>;
    expect(brokenReport!.messages.map(({ ruleId, line, severity }) => ({ ruleId, line, severity }))).toEqual([{ ruleId: expect.stringMatching(/^params\//), line: 2, severity: 2 }]);
    expect(broken.err).toContain('broken.sdprompt: skipped: fix the errors above first');
    // A problem in an included file is reported in that file.
    await writeFile(path.join(dir, 'uses.sdprompt'), '@include "broken.sdprompt"\n\n@prompt q\na dog\n');
    const included = await run(['render', 'uses.sdprompt', '--engine', server.url, '--engine-type', 'comfyui', '--format', 'json'], dir);
    const byFile = Object.fromEntries(
      (JSON.parse(included.out) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number }> }>).map((r) => [path.basename(r.filePath), r.messages.map((m) => [m.ruleId.split('/')[0], m.line])]),
    );
    expect(byFile).toEqual({ 'uses.sdprompt': [], 'broken.sdprompt': [['params', 2]] });
    expect(included.err).toMatch(/^broken\.sdprompt:2:\d+: error /m);
    expect(server.prompts).toHaveLength(0);
    const bad = await run(['render', 'plan.sdprompt', '--engine-type', 'comfyui', '--dry-run', '--format', 'json'], dir);
    expect(bad).toMatchObject({ code: 2, err: 'sdprompt: --dry-run prints the bodies on stdout; it cannot be combined with --format json\n' });
  });

  it('uploads init, mask and ControlNet images and matches model names by stem', async () => {
    server = await startComfyServer({ files: { checkpoints: ['SD1/v1-5-pruned-emaonly.safetensors'], loras: ['JL_sectionplan.safetensors'], controlnet: ['control_v11p_sd15_lineart.pth'] } });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-img2img-'));
    await mkdir(path.join(dir, 'images'));
    for (const name of ['sketch', 'render', 'mask']) await writeFile(path.join(dir, 'images', `${name}.png`), testImage(name.length));
    await writeFile(
      path.join(dir, 'windows.sdprompt'),
      '@params\ncheckpoint: v1-5-pruned-emaonly\nsteps: 3\nseed: 8\n\n@prompt windows\nlarge windows <lora:JL_sectionplan:0.7>\n\n' +
        '@controlnet\nmodel: control_v11p_sd15_lineart\nimage: images/sketch.png\nweight: 0.85\n\n@inpaint\nimage: images/render.png\nmask: images/mask.png\ndenoise: 0.55\n',
    );
    const result = await run(['render', 'windows.sdprompt', '--engine', server.url, '--out', 'out'], dir);
    expect(result.err).toContain('1 written, 0 skipped, 0 failed');
    expect([...server.uploads.keys()].sort()).toEqual(['mask.png', 'render.png', 'sketch.png']);
    const graph = server.prompts[0]!.prompt;
    const inputs = (type: string) => Object.values(graph).filter((n) => n.class_type === type).map((n) => n.inputs);
    expect(inputs('CheckpointLoaderSimple')[0]!.ckpt_name).toBe('SD1/v1-5-pruned-emaonly.safetensors');
    expect(inputs('ControlNetLoader')[0]!.control_net_name).toBe('control_v11p_sd15_lineart.pth');
    expect(inputs('LoadImageMask')[0]!.image).toBe('mask.png');
    expect(inputs('KSampler')[0]!.denoise).toBe(0.55);
  });

  it('on a TTY shows one updating progress line with step and ETA; batch count repeats the ComfyUI graph', async () => {
    server = await startComfyServer({ stepDelayMs: 5 });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-tty-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE.replace('steps: 3', 'steps: 6\nbatch-count: 2'));
    const result = await run(['render', 'plan.sdprompt', '--engine', server.url, '--out', 'out', '--seeds', '10'], dir, true);
    expect(result.err).toMatch(/\r\x1b\[Kplan seed 10: step 6\/6, ETA 0 s/);
    expect(result.err).toContain('2 written');
    expect(server.prompts.map((p) => Object.values(p.prompt).find((n) => n.class_type === 'KSampler')!.inputs.seed)).toEqual([10, 11]);
    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual(['plan-plan-s10-01.png', 'plan-plan-s10-02.png']);
  });

  it('an unreachable engine is one line, exit 2', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sdprompt-down-'));
    await writeFile(path.join(dir, 'plan.sdprompt'), FILE);
    const probe = http.createServer();
    const url = await listen(probe);
    await new Promise((r) => probe.close(r));
    const result = await run(['render', 'plan.sdprompt', '--engine', url], dir);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`sdprompt: cannot connect to an engine at ${url} (connection refused) after 2 attempts; is it running with its API enabled?\n`);
  });
});
