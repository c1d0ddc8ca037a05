/** Issue 7: docs/architecture.md shows the topology the manifest deploys (`npm run infra:graph` rewrites it). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '@recops/services/manifest';
import { topologyFromManifest } from '@recops/platform';
import { topologyToMermaid } from './stand-in/mermaid';

describe('Document: docs/architecture.md', () => {
  it('has the diagram of the current manifest (run `npm run infra:graph` after changing it)', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'architecture.md'), 'utf8');
    expect(doc).toContain(`\`\`\`mermaid\n${topologyToMermaid(topologyFromManifest(SERVICES))}\n\`\`\``);
  });
});
