/**
 * The run report as one self-contained HTML page: inline CSS and inline SVG, no script and no
 * network access when it is opened. Pure: takes the gathered report, returns the page.
 */

export interface ReportStep {
  /** `solution-version/x/abc` */
  readonly resource: string;
  readonly kind: string;
  readonly start: number;
  readonly end?: number;
  readonly status: string;
  readonly failureReason?: string;
}

export interface ReportVersion {
  readonly solutionName: string;
  readonly recipe: string;
  readonly solutionVersionArn: string;
  readonly metrics: Readonly<Record<string, number>>;
  /** The version a campaign of the solution serves, when it is another one. */
  readonly live?: { readonly solutionVersionArn: string; readonly metrics: Readonly<Record<string, number>> };
  /** `promoted`, `rejected`, or what is known without the gate's event. */
  readonly decision: string;
  readonly rule?: string;
}

export interface ReportBatchJob {
  readonly jobName: string;
  readonly kind: string;
  readonly status: string;
  readonly output?: string;
  readonly files: number;
  readonly lines: number;
  readonly errorLines: number;
}

export interface ReportMilestone {
  readonly at: number;
  readonly detailType: string;
  readonly text: string;
}

export interface RunReport {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage: string;
  readonly target: string;
  readonly trigger?: string;
  readonly startedAt: number;
  readonly endedAt?: number;
  readonly outcome: string;
  readonly reason?: string;
  readonly steps: readonly ReportStep[];
  readonly versions: readonly ReportVersion[];
  readonly batchJobs: readonly ReportBatchJob[];
  readonly milestones: readonly ReportMilestone[];
  /** Why a section has less than it could (no event log for a deployed stage, …). */
  readonly notes: readonly string[];
  readonly generatedAt: number;
}

/** Metrics compared in the models table (GetSolutionMetrics names). */
const REPORT_METRICS = [
  ['normalized_discounted_cumulative_gain_at_10', 'NDCG@10'],
  ['precision_at_10', 'precision@10'],
  ['mean_reciprocal_rank_at_25', 'MRR@25'],
  ['coverage', 'coverage'],
] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const STATUS_COLOUR: Readonly<Record<string, string>> = { ACTIVE: '#2e7d32', IN_PROGRESS: '#9e9e9e' };
const FAILED_COLOUR = '#c62828';

function colourOf(status: string): string {
  return STATUS_COLOUR[status] ?? (/FAIL|DEADLINE/.test(status) ? FAILED_COLOUR : '#f9a825');
}

function secondsText(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The Gantt chart: one row per step, bars from its watch request to its terminal status. */
function ganttSvg(report: RunReport): string {
  const rowHeight = 24;
  const labelWidth = 330;
  const chartWidth = 620;
  const top = 28;
  const origin = report.startedAt;
  const lastEnd = Math.max(
    origin + 1000,
    report.endedAt ?? 0,
    ...report.steps.map((s) => s.end ?? s.start),
    ...report.milestones.map((m) => m.at),
  );
  const span = lastEnd - origin;
  const x = (at: number): number => labelWidth + ((at - origin) / span) * chartWidth;
  const height = top + report.steps.length * rowHeight + 16;
  const parts: string[] = [];
  const ticks = 5;
  for (let i = 0; i <= ticks; i += 1) {
    const at = origin + (span * i) / ticks;
    const px = x(at).toFixed(1);
    parts.push(`<line x1="${px}" y1="${top - 6}" x2="${px}" y2="${height - 10}" class="grid"/>`);
    parts.push(`<text x="${px}" y="${top - 10}" class="tick">${escapeHtml(secondsText(at - origin))}</text>`);
  }
  report.steps.forEach((step, index) => {
    const y = top + index * rowHeight;
    const end = step.end ?? lastEnd;
    const width = Math.max(2, x(end) - x(step.start));
    const took = step.end === undefined ? 'still running' : secondsText(step.end - step.start);
    const title = `${step.resource}: ${step.status}, started +${secondsText(step.start - origin)}, took ${took}${step.failureReason ? ` (${step.failureReason})` : ''}`;
    parts.push(
      `<g class="step" data-step="${escapeHtml(step.resource)}" data-status="${escapeHtml(step.status)}">` +
        `<title>${escapeHtml(title)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + 16}" class="label">${escapeHtml(step.resource)}</text>` +
        `<rect x="${x(step.start).toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 8}" rx="3" fill="${colourOf(step.status)}"/>` +
        `</g>`,
    );
  });
  for (const milestone of report.milestones) {
    const px = x(milestone.at).toFixed(1);
    parts.push(
      `<g class="milestone" data-milestone="${escapeHtml(milestone.detailType)}"><title>${escapeHtml(`${milestone.detailType}: ${milestone.text}`)}</title>` +
        `<line x1="${px}" y1="${top}" x2="${px}" y2="${height - 10}" class="mark"/></g>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" class="gantt" width="${labelWidth + chartWidth + 20}" height="${height}" viewBox="0 0 ${labelWidth + chartWidth + 20} ${height}" role="img" aria-label="Timeline of run ${escapeHtml(report.runId)}">${parts.join('')}</svg>`;
}

function metricCell(value: number | undefined): string {
  return value === undefined ? '<td class="num">–</td>' : `<td class="num">${value.toFixed(4)}</td>`;
}

function versionsTable(report: RunReport): string {
  if (report.versions.length === 0) return '<p class="empty">No solution version was trained in this run.</p>';
  const rows = report.versions.map((v) => {
    const cells = REPORT_METRICS.map(([name]) => {
      const live = v.live?.metrics[name];
      return `${metricCell(v.metrics[name])}${v.live ? metricCell(live) : '<td class="num">(this)</td>'}`;
    }).join('');
    return `<tr data-solution="${escapeHtml(v.solutionName)}"><td>${escapeHtml(v.solutionName)}<br><small>${escapeHtml(v.recipe)}</small></td>${cells}<td class="decision ${escapeHtml(v.decision.split(' ')[0] ?? '')}">${escapeHtml(v.decision)}${v.rule ? `<br><small>${escapeHtml(v.rule)}</small>` : ''}</td></tr>`;
  });
  const metricHeads = REPORT_METRICS.map(([, title]) => `<th colspan="2">${title}</th>`).join('');
  return `<table class="versions"><thead><tr><th>solution</th>${metricHeads}<th>gate</th></tr><tr><th></th>${REPORT_METRICS.map(() => '<th>run</th><th>live</th>').join('')}<th></th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function batchTable(report: RunReport): string {
  if (report.batchJobs.length === 0) return '<p class="empty">This run ran no batch job.</p>';
  const rows = report.batchJobs.map(
    (j) =>
      `<tr data-job="${escapeHtml(j.jobName)}"><td>${escapeHtml(j.jobName)}<br><small>${escapeHtml(j.kind)}</small></td><td>${escapeHtml(j.status)}</td><td><code>${escapeHtml(j.output ?? '–')}</code></td><td class="num">${j.files}</td><td class="num">${j.lines}</td><td class="num">${j.errorLines}</td></tr>`,
  );
  return `<table class="batch"><thead><tr><th>job</th><th>status</th><th>output</th><th>files</th><th>lines</th><th>error lines</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1000px;color:#212121;padding:0 1rem}
h1{font-size:1.4rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #ddd}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{color:#616161}dd{margin:0}
.outcome-completed{color:#2e7d32;font-weight:600}.outcome-failed{color:#c62828;font-weight:600}.outcome-running{color:#616161}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}small{color:#757575}code{font-size:12px}
.decision.promoted,.decision.live{color:#2e7d32}.decision.rejected{color:#c62828}
svg.gantt text{font-size:11px;fill:#424242}svg.gantt .label{text-anchor:end}svg.gantt .tick{text-anchor:middle;fill:#757575}
svg.gantt .grid{stroke:#eee}svg.gantt .mark{stroke:#1565c0;stroke-dasharray:3 3}
.empty,.notes{color:#757575}ul.events{padding-left:1.2rem}
`;

export function renderReport(report: RunReport): string {
  const duration = report.endedAt === undefined ? 'still running' : secondsText(report.endedAt - report.startedAt);
  const events = report.milestones
    .map(
      (m) =>
        `<li><code>+${escapeHtml(secondsText(m.at - report.startedAt))}</code> <b>${escapeHtml(m.detailType)}</b> ${escapeHtml(m.text)}</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>recops run ${escapeHtml(report.runId)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>
<h1>Run ${escapeHtml(report.runId)}</h1>
<dl>
<dt>dataset group</dt><dd>${escapeHtml(report.datasetGroupName)}</dd>
<dt>stage</dt><dd>${escapeHtml(report.stage)} (${escapeHtml(report.target)})</dd>
${report.trigger ? `<dt>trigger</dt><dd>${escapeHtml(report.trigger)}</dd>` : ''}
<dt>started</dt><dd>${escapeHtml(new Date(report.startedAt).toISOString())}</dd>
<dt>duration</dt><dd>${escapeHtml(duration)}</dd>
<dt>outcome</dt><dd class="outcome-${escapeHtml(report.outcome)}">${escapeHtml(report.outcome)}${report.reason ? `: ${escapeHtml(report.reason)}` : ''}</dd>
</dl>
<h2>Timeline</h2>
<p class="notes">Each bar runs from the watch request of a Personalize resource to its final status; dashed lines mark the run's events.</p>
${report.steps.length > 0 ? ganttSvg(report) : '<p class="empty">No step of this run reached Personalize.</p>'}
<h2>Models</h2>
${versionsTable(report)}
<h2>Batch output</h2>
${batchTable(report)}
${events ? `<h2>Events</h2><ul class="events">${events}</ul>` : ''}
${report.notes.length > 0 ? `<h2>Notes</h2><ul class="notes">${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
<footer class="notes"><small>recops report, ${escapeHtml(new Date(report.generatedAt).toISOString())}</small></footer>
</body></html>
`;
}
