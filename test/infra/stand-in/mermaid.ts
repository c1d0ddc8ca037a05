/**
 * A Mermaid flowchart of the deployed topology: bus rules into queues, queues into functions,
 * DLQs, and bucket notifications. Rules are labelled with their detail-types.
 */
import type { Topology } from '@recops/platform';

function nodeId(service: string, part: string): string {
  return `${service.replace(/[^A-Za-z0-9]/g, '_')}_${part}`;
}

function ruleLabel(rule: string): string {
  const pattern = JSON.parse(rule) as { 'detail-type'?: string[]; detail?: Record<string, unknown> };
  const types = pattern['detail-type']?.join(' / ') ?? 'any event';
  const detail = pattern.detail === undefined ? '' : ` ${JSON.stringify(pattern.detail)}`;
  // Mermaid edge labels must not contain quotes or pipes.
  return `${types}${detail}`.replace(/["|]/g, "'");
}

export function topologyToMermaid(topology: Topology): string {
  const lines = ['flowchart LR', '  bus(("recops bus"))', '  bucket[("data bucket")]'];
  for (const service of topology.services) {
    const fn = nodeId(service.name, 'fn');
    lines.push(`  ${fn}["λ ${service.name}<br/>${service.timeoutSeconds} s · ${service.memoryMB} MB"]`);
    if (service.queue !== null) {
      const queue = nodeId(service.name, 'queue');
      const dlq = nodeId(service.name, 'dlq');
      lines.push(
        `  ${queue}[["${service.name} queue<br/>batch ${service.queue.batchSize}, visibility ${service.queue.visibilityTimeoutSeconds} s"]]`,
      );
      lines.push(`  ${dlq}[["${service.name} DLQ"]]`);
      for (const rule of service.busRules) lines.push(`  bus -->|"${ruleLabel(rule)}"| ${queue}`);
      lines.push(`  ${queue} -->|"partial batch responses"| ${fn}`);
      // The queue redrives one receive later than the runtime dead-letters (redriveMaxReceiveCount).
      lines.push(`  ${queue} -.->|"after ${service.queue.maxReceiveCount - 1} failed deliveries"| ${dlq}`);
    }
    for (const trigger of service.s3Triggers) {
      lines.push(`  bucket -->|"ObjectCreated ${trigger.prefix}*${trigger.suffix ?? ''}"| ${fn}`);
    }
  }
  return lines.join('\n');
}

export const DIAGRAM_START = '<!-- topology:start -->';
export const DIAGRAM_END = '<!-- topology:end -->';

/** Replaces the marked section of a Markdown document (or appends one) with the diagram. */
export function withDiagram(markdown: string, mermaid: string, note: string): string {
  const block = `${DIAGRAM_START}\n${note}\n\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n${DIAGRAM_END}`;
  const start = markdown.indexOf(DIAGRAM_START);
  const end = markdown.indexOf(DIAGRAM_END);
  if (start !== -1 && end > start) return `${markdown.slice(0, start)}${block}${markdown.slice(end + DIAGRAM_END.length)}`;
  return `${markdown.trimEnd()}\n\n${block}\n`;
}
