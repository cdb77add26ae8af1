import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigLoader, ConfigError } from '../../src/config/index.js';

function tree(files: Record<string, unknown>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'sdprompt-config-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(root, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

describe('config discovery and resolution', () => {
  it('uses recommended defaults when there is no config', () => {
    const root = tree({ 'a.sdprompt': 'x' });
    const config = new ConfigLoader().forFile(path.join(root, 'a.sdprompt'));
    expect(config.rules.get('lora/shorthand')?.severity).toBe('error');
    expect(config.rules.get('lora/weight-range')?.options).toEqual({ min: 0, max: 1 });
    expect(config.engine).toBe('a1111');
  });

  it('merges configs upward, nearest wins, root: true stops the search', () => {
    const root = tree({
      'sdprompt.config.json': { rules: { 'prompt/duplicate-tag': 'error', 'lora/duplicate': 'off' } },
      'proj/sdprompt.config.json': { root: true, rules: { 'prompt/empty-tag': 'off' } },
      'proj/sub/sdprompt.config.json': { rules: { 'prompt/empty-tag': 'info' }, engine: 'comfyui' },
      'other/sdprompt.config.json': { rules: { 'prompt/empty-tag': 'error' } },
    });
    const loader = new ConfigLoader();
    const sub = loader.forFile(path.join(root, 'proj/sub/a.sdprompt'));
    expect(sub.rules.get('prompt/empty-tag')?.severity).toBe('info');
    expect(sub.engine).toBe('comfyui');
    // root: true in proj hides the top-level config.
    expect(sub.rules.get('prompt/duplicate-tag')?.severity).toBe('warn');
    expect(sub.sources).toHaveLength(2);
    const other = loader.forFile(path.join(root, 'other/a.sdprompt'));
    expect(other.rules.get('prompt/duplicate-tag')?.severity).toBe('error');
    expect(other.rules.get('lora/duplicate')?.severity).toBe('off');
    expect(other.rules.get('prompt/empty-tag')?.severity).toBe('error');
  });

  it('reads the sdprompt key of package.json, but sdprompt.config.json wins in the same folder', () => {
    const root = tree({ 'package.json': { name: 'x', sdprompt: { root: true, rules: { 'prompt/empty-tag': 'error' } } }, 'a/package.json': { name: 'y' } });
    expect(new ConfigLoader().forFile(path.join(root, 'a/b.sdprompt')).rules.get('prompt/empty-tag')?.severity).toBe('error');
    writeFileSync(path.join(root, 'sdprompt.config.json'), JSON.stringify({ root: true, rules: { 'prompt/empty-tag': 'off' } }));
    expect(new ConfigLoader().forFile(path.join(root, 'a/b.sdprompt')).rules.get('prompt/empty-tag')?.severity).toBe('off');
  });

  it('applies presets, options and per-glob overrides', () => {
    const root = tree({
      'sdprompt.config.json': {
        root: true,
        extends: 'strict',
        rules: { 'lora/weight-range': ['warn', { max: 1.5 }], 'emphasis/deep-nesting': 1 },
        overrides: [
          { files: ['drafts/**'], excludedFiles: 'drafts/keep/**', rules: { 'lora/weight-range': 'off' }, engine: 'sdcpp' },
        ],
        library: { loraDirs: ['models/Lora'] },
      },
    });
    const loader = new ConfigLoader();
    const main = loader.forFile(path.join(root, 'a.sdprompt'));
    expect(main.rules.get('lora/weight-range')).toEqual({ severity: 'warn', options: { min: 0, max: 1.5 } });
    expect(main.rules.get('prompt/duplicate-tag')?.severity).toBe('error'); // strict: warn → error
    expect(main.rules.get('emphasis/deep-nesting')?.severity).toBe('warn');
    expect(main.library.loraDirs).toEqual([path.join(root, 'models/Lora')]);
    const draft = loader.forFile(path.join(root, 'drafts/x/a.sdprompt'));
    expect(draft.rules.get('lora/weight-range')?.severity).toBe('off');
    expect(draft.engine).toBe('sdcpp');
    const kept = loader.forFile(path.join(root, 'drafts/keep/a.sdprompt'));
    expect(kept.rules.get('lora/weight-range')?.severity).toBe('warn');
    expect(kept.engine).toBe('a1111');
  });

  it.each([
    [{ rules: { 'lora/shorthnd': 'error' } }, /unknown rule "lora\/shorthnd" \(did you mean "lora\/shorthand"\?\)/],
    [{ rules: { 'lora/weight-range': 'loud' } }, /rules\.lora\/weight-range: must be one of "off", "info", "warn", "error", 0, 1, 2/],
    [{ rules: { 'lora/weight-range': ['warn', { maximum: 2 }] } }, /unknown setting "maximum" \(did you mean "max"\?\)/],
    [{ engin: 'a1111' }, /unknown setting "engin" \(did you mean "engine"\?\)/],
    [{ engine: 'midjourney' }, /engine: must be one of "a1111"/],
    [{ extends: 'strictest' }, /unknown preset "strictest"/],
    [{ overrides: [{ rules: {} }] }, /overrides\[0\]: missing "files"/],
    [{ ignores: [''] }, /ignores\[0\]: must not be empty/],
  ])('rejects %j with a clear message', (config, message) => {
    const root = tree({ 'sdprompt.config.json': config });
    expect(() => new ConfigLoader().forFile(path.join(root, 'a.sdprompt'))).toThrow(message);
  });

  it('reports invalid JSON with its line and column', () => {
    const root = tree({ 'sdprompt.config.json': '{\n  "rules": {\n    "a": 1,\n  }\n}' });
    try {
      new ConfigLoader().forFile(path.join(root, 'a.sdprompt'));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/sdprompt\.config\.json: invalid JSON at 4:3/);
    }
  });

  it('extends a relative config file and detects cycles', () => {
    const root = tree({
      'base.json': { rules: { 'prompt/empty-tag': 'error' } },
      'sdprompt.config.json': { root: true, extends: ['recommended', './base.json'] },
      'loop/sdprompt.config.json': { root: true, extends: './other.json' },
      'loop/other.json': { extends: './sdprompt.config.json' },
    });
    expect(new ConfigLoader().forFile(path.join(root, 'a.sdprompt')).rules.get('prompt/empty-tag')?.severity).toBe('error');
    expect(() => new ConfigLoader().forFile(path.join(root, 'loop/a.sdprompt'))).toThrow(/cycle/);
  });

  it('validates rule sets other than the built-in one with ajv at run time', () => {
    const custom = {
      meta: {
        id: 'prompt/custom', category: 'prompt' as const, description: 'A rule added at run time.', defaultSeverity: 'warn' as const,
        schema: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer' } } }, defaultOptions: { limit: 1 },
        examples: { valid: [], invalid: [] },
      },
      check: () => undefined,
    };
    const good = tree({ 'sdprompt.config.json': { root: true, rules: { 'prompt/custom': ['error', { limit: 3 }] } } });
    expect(new ConfigLoader({ rules: [custom] }).forFile(path.join(good, 'a.sdprompt')).rules.get('prompt/custom')).toEqual({ severity: 'error', options: { limit: 3 } });
    const bad = tree({ 'sdprompt.config.json': { root: true, rules: { 'prompt/custom': ['error', { limit: 'x' }] } } });
    expect(() => new ConfigLoader({ rules: [custom] }).forFile(path.join(bad, 'a.sdprompt'))).toThrow(/rules\.prompt\/custom\[1\]\.limit: must be integer/);
  });

  it('--config uses that file alone', () => {
    const root = tree({ 'sdprompt.config.json': { rules: { 'prompt/empty-tag': 'off' } }, 'ci.json': { rules: { 'prompt/empty-tag': 'error' } } });
    const loader = new ConfigLoader({ configFile: path.join(root, 'ci.json') });
    expect(loader.forFile(path.join(root, 'a.sdprompt')).rules.get('prompt/empty-tag')?.severity).toBe('error');
  });
});
