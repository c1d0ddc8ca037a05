/**
 * The promotion gate, as a pure decision: a trained version is promoted when the chosen metric is at
 * least the live version's plus the margin. A first version (nothing live) is always promoted, and
 * so is every version when the file turns the gate off.
 */
import type { PromotionGate } from '@recops/events';
import { PermanentOpsError } from '@recops/core/ops';

export interface GateSettings {
  readonly metric: string;
  readonly margin: number;
  readonly enabled: boolean;
  /** True when the file named the metric (a missing explicit metric fails; a missing default is promoted with a warning). */
  readonly metricChosen: boolean;
  /** Where the settings are in the parameter file, for error messages. */
  readonly sourcePath: string;
}

/** The version that serves today, and where it was found. */
export interface LiveVersion {
  readonly solutionVersionArn: string;
  readonly source: 'campaign' | 'lastPromoted';
  /** Named for the rule: `campaign <name>` or `last promoted`. */
  readonly description: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export type GateDecision =
  | { readonly promoted: true; readonly gate: PromotionGate; readonly warning?: string }
  | { readonly promoted: false; readonly gate: PromotionGate; readonly reason: string };

const figure = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(4));

export function decide(
  settings: GateSettings,
  candidateArn: string,
  candidateMetrics: Readonly<Record<string, number>>,
  live?: LiveVersion,
): GateDecision {
  const { metric, margin } = settings;
  const candidate = candidateMetrics[metric];
  if (candidate === undefined) {
    const reported = Object.keys(candidateMetrics).sort().join(', ') || 'none';
    if (settings.metricChosen) {
      throw new PermanentOpsError(
        `${settings.sourcePath}.metric: solution version ${candidateArn} reports no "${metric}" (it reports: ${reported}); choose one of those`,
      );
    }
    const rule = `no ${metric} reported (reported: ${reported}): promoted without comparison`;
    return {
      promoted: true,
      gate: { metric, margin, enabled: settings.enabled, rule },
      warning: `${settings.sourcePath}: ${rule}; set ${settings.sourcePath}.metric to compare versions`,
    };
  }
  const base = { metric, margin, enabled: settings.enabled, candidate };
  if (!settings.enabled) return { promoted: true, gate: { ...base, rule: 'promotion gate off: every version is promoted' } };
  if (live === undefined) return { promoted: true, gate: { ...base, rule: 'first version of the solution: promoted without comparison' } };
  const withLive = { ...base, baselineSolutionVersionArn: live.solutionVersionArn, baselineSource: live.source };
  const baseline = live.metrics[metric];
  if (baseline === undefined) {
    return {
      promoted: true,
      gate: { ...withLive, rule: `the live version (${live.description}) reports no ${metric}: promoted without comparison` },
    };
  }
  const passes = candidate >= baseline + margin;
  const rule = `${metric} ${figure(candidate)} ${passes ? '>=' : '<'} ${figure(baseline)} + ${figure(margin)} (live version, ${live.description})`;
  const gate = { ...withLive, baseline, rule };
  return passes ? { promoted: true, gate } : { promoted: false, gate, reason: rule };
}
