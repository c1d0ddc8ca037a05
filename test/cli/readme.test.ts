/** The README's consumer section agrees with the event catalog; its CLI table lists every command. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { batchOutputReady, EVENT_CATALOG, pipelineCompleted } from '@recops/events';
import { describe, expect, it } from 'vitest';
import { recops } from './run-recops';

const README = join(import.meta.dirname, '..', '..', 'README.md');

function section(text: string, heading: string): string {
  const start = text.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`README has no "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 3);
  return text.slice(start, end < 0 ? undefined : end);
}

function jsonBlocks(text: string): unknown[] {
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1] as string) as unknown);
}

describe('Docs: README', () => {
  it('shows consumers patterns and an event the catalog defines and accepts', async () => {
    const events = section(await readFile(README, 'utf8'), 'Events for consumers');
    const blocks = jsonBlocks(events) as { source: unknown; 'detail-type': unknown; detail?: unknown }[];
    const patterns = blocks.filter((b) => Array.isArray(b.source));
    expect(patterns.map((p) => (p['detail-type'] as string[])[0])).toEqual([batchOutputReady.detailType, pipelineCompleted.detailType]);
    for (const pattern of patterns) {
      const [source] = pattern.source as string[];
      const [detailType] = pattern['detail-type'] as string[];
      expect(
        EVENT_CATALOG.some((d) => d.source === source && d.detailType === detailType),
        `${source} ${detailType}`,
      ).toBe(true);
    }
    const example = blocks.find((b) => typeof b.source === 'string');
    expect(() => batchOutputReady.parse(example)).not.toThrow();
    // The SST snippet subscribes with the same source and detail-type.
    expect(events).toContain(`source: ['${batchOutputReady.source}'], detailType: ['${batchOutputReady.detailType}']`);
    expect(events).toContain(`source: ['${pipelineCompleted.source}'], detailType: ['${pipelineCompleted.detailType}']`);
  });

  it('lists every command recops --help offers', async () => {
    const cli = section(await readFile(README, 'utf8'), 'The `recops` command');
    const help = await recops(['--help']);
    const commands = [...help.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).filter((name) => name !== 'help');
    expect(commands.length).toBeGreaterThan(10);
    for (const command of commands) expect(cli, command).toContain(`\`recops ${command}`);
  });
});
