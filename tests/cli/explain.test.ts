import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';

async function run(argv: string[], stdin = '', cwd = process.cwd()) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const code = await main(['node', 'sdprompt', ...argv], { stdout, stderr, stdin: Readable.from([stdin]), cwd, env: {} });
  return { code, out, err };
}

describe('sdprompt explain --engine a1111 --jsonl', () => {
  it('writes one contract line per input line', async () => {
    const input = [
      JSON.stringify({ prompt: 'a [b:3] (c:1.2) <lora:x:0.5> AND d:0.5', steps: 10, hires_steps: null }),
      '',
      JSON.stringify({ prompt: 'a [b:1.5] c', steps: 10, hires_steps: 10 }),
      JSON.stringify({ prompt: '(x:1..2)', steps: 5 }),
    ].join('\n');
    const { code, out, err } = await run(['explain', '--engine', 'a1111', '--jsonl'], input);
    expect(err).toBe('');
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        networks: [{ type: 'lora', args: ['x', '0.5'] }],
        subprompts: [
          { weight: 1, schedules: [{ step: 3, attention: [['a  ', 1], ['c', 1.2]] }, { step: 10, attention: [['a b ', 1], ['c', 1.2]] }] },
          { weight: 0.5, schedules: [{ step: 10, attention: [[' d', 1]] }] },
        ],
      },
      { networks: [], subprompts: [{ weight: 1, schedules: [{ step: 5, attention: [['a  c', 1]] }, { step: 10, attention: [['a b c', 1]] }] }] },
      { error: "ValueError: could not convert string to float: '1..2'" },
    ]);
  });

  it('defaults steps to 20 and answers bad lines with an error line instead of crashing', async () => {
    const input = ['{"prompt": "[a|b]"}', 'not json', '{"prompt": 3}', '{"prompt": "x", "steps": 2.5}', '[1]'].join('\n');
    const { code, out } = await run(['explain', '--jsonl'], input);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(5);
    expect(lines[0].subprompts[0].schedules).toHaveLength(20);
    expect(lines[1].error).toMatch(/^line 2: invalid JSON/);
    expect(lines[2].error).toMatch(/"prompt" must be a string/);
    expect(lines[3].error).toMatch(/"steps" must be an integer/);
    expect(lines[4].error).toMatch(/expected a JSON object/);
  });

  it('rejects an unknown engine with a one-line usage error', async () => {
    const { code, err } = await run(['explain', '--engine', 'comfyui', '--jsonl'], '');
    expect(code).toBe(2);
    expect(err).toMatch(/^sdprompt: explain supports --engine a1111 only/);
  });
});

describe('sdprompt explain FILE', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdprompt-explain-'));

  it('explains a bare prompt for people: LoRAs, AND parts, steps, BREAK chunks', async () => {
    writeFileSync(path.join(dir, 'house.txt'), 'a house, (section plan:1.2) BREAK [day:night:0.5] <lora:JL_sectionplan:0.6:0.4> AND garden:0.5\n');
    const { code, out } = await run(['explain', 'house.txt', '--steps', '10'], '', dir);
    expect(code).toBe(0);
    expect(out).toContain('lora JL_sectionplan: te 0.6, unet 0.4');
    expect(out).toContain('AND part 2 (weight 0.5)');
    expect(out).toContain('steps ..5:');
    expect(out).toMatch(/chunk 1: "a house, " "section plan"×1\.2/);
    expect(out).toMatch(/chunk 2: "day/);
  });

  it('flags unknown network types and ambiguous structures, exit code 1', async () => {
    writeFileSync(path.join(dir, 'odd.txt'), '<JL_sectionplan:0.1> [a:1]]');
    const { code, out } = await run(['explain', 'odd.txt'], '', dir);
    expect(code).toBe(1);
    expect(out).toContain('<JL_sectionplan:0.1>  (unknown type: A1111 skips it)');
    expect(out).toMatch(/warning: A1111 reads this bracket structure differently between restarts.*sdprompt reads .\[a:1\]. as a schedule/);
  });

  it('explains every prompt of a structured file with its own steps, fragments and negative', async () => {
    writeFileSync(
      path.join(dir, 'series.sdprompt'),
      ['@params', 'steps: 10', '', '@fragment style', '(pencil lines:1.3)', '', '@prompt plan', 'floor plan, ${style}, [furniture:0.4]', '@negative', 'bad quality', ''].join('\n'),
    );
    const { code, out } = await run(['explain', 'series.sdprompt', '--json'], '', dir);
    expect(code).toBe(0);
    const payload = JSON.parse(out);
    expect(payload.map((p: { name: string }) => p.name)).toEqual(['plan', 'plan (negative; A1111 activates no networks here)']);
    expect(payload[0].steps).toBe(10);
    expect(payload[0].subprompts[0].schedules).toEqual([
      { step: 4, attention: [['floor plan, ', 1], ['pencil lines', 1.3], [', ', 1]] },
      { step: 10, attention: [['floor plan, ', 1], ['pencil lines', 1.3], [', furniture', 1]] },
    ]);
    expect(payload[1].subprompts[0].schedules).toEqual([{ step: 10, attention: [['bad quality', 1]] }]);
  });

  it('prints JSON with --json', async () => {
    writeFileSync(path.join(dir, 'j.txt'), '[a|b] c');
    const { out } = await run(['explain', 'j.txt', '--json', '--steps', '2'], '', dir);
    const payload = JSON.parse(out);
    expect(payload[0].subprompts[0].schedules.map((s: { step: number }) => s.step)).toEqual([1, 2]);
  });

  it('reports a missing file in one line', async () => {
    const { code, err } = await run(['explain', 'nope.txt'], '', dir);
    expect(code).toBe(2);
    expect(err).toBe('sdprompt: nope.txt: no such file\n');
  });
});
