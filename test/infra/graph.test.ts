import { describe, expect, it } from 'vitest';
import { SERVICES } from '@recops/services/manifest';
import { topologyFromManifest } from '@recops/platform';
import { DIAGRAM_END, DIAGRAM_START, topologyToMermaid, withDiagram } from './stand-in/mermaid';

describe('Function: topologyToMermaid', () => {
  it('returns a flowchart with a queue, DLQ and function per queued service and an edge per rule and trigger', () => {
    // Prepare
    const topology = topologyFromManifest(SERVICES);

    // Act
    const mermaid = topologyToMermaid(topology);

    // Assess
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    const ruleEdges = mermaid.split('\n').filter((line) => line.startsWith('  bus -->'));
    expect(ruleEdges).toHaveLength(topology.services.reduce((n, s) => n + s.busRules.length, 0));
    const triggerEdges = mermaid.split('\n').filter((line) => line.startsWith('  bucket -->'));
    expect(triggerEdges.sort()).toEqual([
      '  bucket -->|"ObjectCreated batch/*.out"| batch_output_notifier_fn',
      '  bucket -->|"ObjectCreated train/*.json"| config_intake_fn',
    ]);
    for (const service of SERVICES.filter((s) => s.queue !== undefined)) {
      expect(mermaid).toContain(
        `${service.name.replace(/-/g, '_')}_queue -.->|"after ${service.queue?.maxReceiveCount} failed deliveries"|`,
      );
    }
  });
});

describe('Function: withDiagram', () => {
  it('replaces the marked section and leaves the rest of the document alone', () => {
    const doc = `# Title\n\nIntro.\n\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\n\nAfter.\n`;
    const updated = withDiagram(doc, 'flowchart LR', 'note');
    expect(updated).toBe(`# Title\n\nIntro.\n\n${DIAGRAM_START}\nnote\n\n\`\`\`mermaid\nflowchart LR\n\`\`\`\n${DIAGRAM_END}\n\nAfter.\n`);
    expect(withDiagram(updated, 'flowchart LR', 'note')).toBe(updated);
  });

  it('appends the section when the document has no markers', () => {
    expect(withDiagram('# Title\n', 'x', 'n')).toBe(`# Title\n\n${DIAGRAM_START}\nn\n\n\`\`\`mermaid\nx\n\`\`\`\n${DIAGRAM_END}\n`);
  });
});
