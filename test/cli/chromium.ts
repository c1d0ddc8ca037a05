/**
 * Opens a page in headless Chromium (Debian's `chromium`) and reads what it rendered, over the
 * DevTools protocol on a pipe (`--remote-debugging-pipe`: JSON messages ending in NUL on fds 3/4),
 * so no WebSocket client or network port is needed.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** The Chromium binary (`CHROMIUM` overrides), or undefined when none is installed. */
export function chromiumPath(): string | undefined {
  const given = process.env.CHROMIUM;
  if (given && existsSync(given)) return given;
  return CANDIDATES.find((path) => existsSync(path));
}

export interface RenderedBar {
  readonly step: string;
  readonly status: string;
  readonly width: number;
  readonly height: number;
  /** Inside the SVG's box and not hidden. */
  readonly visible: boolean;
}

/** What the page draws for each `[data-step]` group of the report's timeline. */
const MEASURE = `(() => {
  const svg = document.querySelector('svg.gantt');
  const box = svg ? svg.getBoundingClientRect() : { left: 0, right: 0, top: 0, bottom: 0 };
  return JSON.stringify([...document.querySelectorAll('svg.gantt [data-step]')].map((group) => {
    const bar = group.querySelector('rect').getBoundingClientRect();
    const style = getComputedStyle(group);
    return {
      step: group.getAttribute('data-step'),
      status: group.getAttribute('data-status'),
      width: bar.width,
      height: bar.height,
      visible: style.display !== 'none' && style.visibility !== 'hidden' && bar.left >= box.left && bar.right <= box.right + 0.5 && bar.top >= box.top && bar.bottom <= box.bottom,
    };
  }));
})()`;

export async function renderedTimeline(chromium: string, htmlFile: string, profileDir: string): Promise<RenderedBar[]> {
  const child = spawn(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profileDir}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const pending = new Map<number, { resolve: (value: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  const loaded: (() => void)[] = [];
  let buffer = '';
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let end: number;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
      };
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(message.error.message));
        else waiter?.resolve(message.result ?? {});
      } else if (message.method === 'Page.loadEventFired') {
        for (const resolve of loaded.splice(0)) resolve();
      }
    }
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const id = (nextId += 1);
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`chromium exited with ${code}: ${stderr.slice(-500)}`))),
  );
  try {
    return await Promise.race([
      exited,
      (async () => {
        const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
        const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
        await send('Page.enable', {}, sessionId);
        const load = new Promise<void>((resolve) => loaded.push(resolve));
        await send('Page.navigate', { url: pathToFileURL(htmlFile).href }, sessionId);
        await load;
        const { result } = (await send('Runtime.evaluate', { expression: MEASURE, returnByValue: true }, sessionId)) as {
          result: { value: string };
        };
        return JSON.parse(result.value) as RenderedBar[];
      })(),
    ]);
  } finally {
    exited.catch(() => undefined);
    child.kill();
  }
}
