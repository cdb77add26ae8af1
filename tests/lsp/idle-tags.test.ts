/**
 * When the server indexes the tag lists (src/lsp/workspace.ts): indexing 100,000 tags blocks the
 * event loop for a few hundred milliseconds, so it waits for TAGS_IDLE_MS without an edit, every
 * edit pushing the wait back, or for the first completion, which needs the tags at once.
 *
 * The server runs over the real JSON-RPC harness; only setTimeout/clearTimeout are faked (the
 * streams and vscode-jsonrpc run on setImmediate and I/O, which stay real), so "300 ms later" is
 * exact and the file takes no wall-clock time waiting. A request round-trip after each edit makes
 * sure the server has handled it (JSON-RPC messages are dispatched in order).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import type { CompletionList } from 'vscode-languageserver';
import { TAGS_IDLE_MS, type Workspace } from '../../src/lsp/workspace.js';
import { realToolchain } from './fixtures.js';
import { parseMarkers, positionAt, startServer, type TestClient } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'sdprompt-idle-tags-'));
const csv = join(dir, 'tags.csv');
writeFileSync(csv, ['highres,5,500000,"hi_res"', 'hatsune_miku,4,90000,"miku"', 'long_hair,0,1500,'].join('\n'));
const uri = 'file:///work/idle.sdprompt';

/** What the timer test needs of the workspace's private side (spied on, never replaced). */
interface WorkspaceInternals {
  loadTags(): Promise<void>;
  idleTagTimer: NodeJS.Timeout | undefined;
}

let client: TestClient | undefined;
let workspace: Workspace;
/** Every start of a tag load (the read and index of all tag files). */
let loads: MockInstance<() => Promise<void>>;
let text = '@prompt a\n';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  client?.dispose();
  client = undefined;
  vi.useRealTimers();
});

/** A server with one tag list and one open document; the tags are not loaded yet. */
async function start(): Promise<void> {
  ({ client } = await startServer({ toolchain: await realToolchain(), settings: { tagFiles: [csv] } }));
  workspace = client.server.workspace;
  loads = vi.spyOn(workspace as unknown as WorkspaceInternals, 'loadTags');
  text = '@prompt a\n';
  await client.open(uri, text);
  await handled();
}

/** Resolves once the server has handled every message sent before (a request that loads no tags). */
async function handled(): Promise<void> {
  await client!.request('textDocument/documentSymbol', { textDocument: { uri } });
}

/** One keystroke: appends a character and waits until the server has seen it. */
async function type(character: string): Promise<void> {
  text += character;
  await client!.replaceAll(uri, text);
  await handled();
}

/** Lets `ms` of (fake) time pass, running the timers due in it. */
const pass = (ms: number) => vi.advanceTimersByTimeAsync(ms);

async function tagLabelsAt(input: string): Promise<string[]> {
  const marked = parseMarkers(input);
  text = marked.text;
  await client!.replaceAll(uri, text);
  const list = await client!.request<CompletionList>('textDocument/completion', { textDocument: { uri }, position: positionAt(text, marked.cursors[0]!) });
  return list.items.filter((item) => (item.data as { kind?: string } | undefined)?.kind === 'tag').map((item) => String(item.label));
}

describe('tag lists load when the server is idle', () => {
  it('waits more than a typing pause: the delay is longer than 300 ms between keystrokes', () => {
    expect(TAGS_IDLE_MS).toBeGreaterThan(300);
  });

  it('does not load while edits arrive 300 ms apart, then loads once the delay passes without an edit', async () => {
    await start();
    for (const character of 'house') {
      await pass(300);
      await type(character);
    }
    // 1.5 s since the server started, never TAGS_IDLE_MS without an edit.
    expect(loads).not.toHaveBeenCalled();
    expect(workspace.tags).toBeUndefined();
    await pass(TAGS_IDLE_MS);
    expect(loads).toHaveBeenCalledTimes(1);
    await workspace.ensureTags();
    expect(workspace.tags?.tags.map((tag) => tag.name)).toEqual(['highres', 'hatsune_miku', 'long_hair']);
  });

  it('loads on its own after startup when nobody types', async () => {
    await start();
    await pass(TAGS_IDLE_MS - 1);
    expect(loads).not.toHaveBeenCalled();
    await pass(1);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('counts the delay from the last edit, not the first: every edit pushes the timer back', async () => {
    await start();
    // Ten edits 250 ms apart: 2.5 s of typing, well past the delay and twice it from the first edit.
    for (const character of 'a house, b') {
      await pass(250);
      await type(character);
    }
    await pass(TAGS_IDLE_MS - 1);
    expect(loads).not.toHaveBeenCalled();
    await pass(1);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('arms no timer and loads nothing more once the tags are loaded', async () => {
    await start();
    await pass(TAGS_IDLE_MS);
    await workspace.ensureTags();
    for (const character of 'house') {
      await type(character);
      expect((workspace as unknown as WorkspaceInternals).idleTagTimer).toBeUndefined();
      await pass(TAGS_IDLE_MS);
    }
    expect(loads).toHaveBeenCalledTimes(1);
  });
});

describe('a completion before the idle load', () => {
  it('loads the tags on demand, and the idle timer does not load them again', async () => {
    await start();
    await pass(300);
    await type('h');
    expect(loads).not.toHaveBeenCalled();
    expect(await tagLabelsAt('@prompt a\nhigh<|>')).toEqual(['highres']);
    expect(loads).toHaveBeenCalledTimes(1);
    // The timer armed by the edits before the completion comes due: nothing is read again.
    await pass(3 * TAGS_IDLE_MS);
    await type('x');
    await pass(3 * TAGS_IDLE_MS);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('uses the tags the idle load indexed without loading them again', async () => {
    await start();
    await pass(TAGS_IDLE_MS);
    expect(loads).toHaveBeenCalledTimes(1);
    expect(await tagLabelsAt('@prompt a\nlon<|>')).toEqual(['long_hair']);
    expect(loads).toHaveBeenCalledTimes(1);
  });
});

describe('the idle timer', () => {
  it('never keeps the process alive (a real Node timer, unref-ed)', async () => {
    vi.useRealTimers();
    await start();
    const timer = (workspace as unknown as WorkspaceInternals).idleTagTimer;
    expect(timer).toBeDefined();
    expect(timer!.hasRef()).toBe(false);
  });

  it('is cleared on shutdown: a shut-down server does not index tags while it waits for exit', async () => {
    await start();
    await pass(300);
    await type('h');
    await client!.request('shutdown', null);
    await pass(3 * TAGS_IDLE_MS);
    expect(loads).not.toHaveBeenCalled();
  });
});
