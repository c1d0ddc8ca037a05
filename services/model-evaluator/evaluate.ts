/**
 * model-evaluator: on Solution Version Status Changed ACTIVE, reads the version's metrics, publishes
 * them, and runs the promotion gate against the live version (the one the solution's campaign
 * serves, else the last promoted one). The decision is stored once per version before anything is
 * published, so a redelivered or late event carries out the same decision again (promoted.json, then
 * the events) instead of deciding again (a version compared with itself, once promoted, would
 * otherwise change its own outcome).
 */
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { GetSolutionMetricsCommand, type PersonalizeClient } from '@aws-sdk/client-personalize';
import { PIPELINE_STEP, solutionMetricsPublished, solutionVersionPromoted, solutionVersionRejected } from '@recops/events';
import { DEFAULT_PROMOTION_METRIC, type Plan, type SolutionPlan } from '@recops/core';
import { findCampaign, PermanentOpsError, toOpsError } from '@recops/core/ops';
import { createDocument, gateDecisionKey, publish, readDocument, type ChainDependencies } from '@recops/core/runtime';
import { z } from 'zod';
import { permanentFailureOf, publishStepFailed, type RunRef } from '../run-events';
import { decide, type GateSettings, type LiveVersion } from './gate';
import { loadPlanIfStored, readPromotedVersion, solutionOfVersion, writePromotedVersion } from '../model-records';

export type EvaluatorDependencies = ChainDependencies;

/** What one evaluation did, for the log and the EMF metrics. */
export interface EvaluationReport {
  readonly solutionName: string;
  outcome?: 'promoted' | 'rejected';
  /** The metrics to emit as EMF (only on the first evaluation of a version, not on a republish). */
  metrics?: Readonly<Record<string, number>>;
  republished: boolean;
  warnings: string[];
  failed?: string;
}

/** The stored decision on one version: the two entries' details, republished as they are. */
const storedDecisionSchema = z.object({
  decidedAt: z.string(),
  metricsDetail: solutionMetricsPublished.inputSchema,
  promoted: solutionVersionPromoted.inputSchema.optional(),
  rejected: solutionVersionRejected.inputSchema.optional(),
});
type StoredDecision = z.output<typeof storedDecisionSchema>;

export async function onVersionActive(run: RunRef, versionArn: string, deps: EvaluatorDependencies): Promise<EvaluationReport> {
  const { solutionArn, solutionName } = solutionOfVersion(versionArn);
  const report: EvaluationReport = { solutionName, republished: false, warnings: [] };
  try {
    const decisionKey = gateDecisionKey(run.datasetGroupName, solutionName, versionArn);
    const stored = (await readDocument(deps.s3, deps.bucketName, decisionKey, storedDecisionSchema))?.value;
    if (stored !== undefined) {
      await carryOut(run, stored, deps);
      report.republished = true;
      report.outcome = stored.promoted ? 'promoted' : 'rejected';
      return report;
    }
    const plan = await loadPlanIfStored(deps.s3, deps.bucketName, run);
    const solution = plan?.solutions.find((s) => s.name === solutionName);
    if (solution === undefined)
      report.warnings.push(`no plan of run ${run.runId} names solution ${solutionName}: the gate uses its defaults`);
    const settings = gateSettings(solution, plan);
    const metrics = await solutionMetrics(deps.personalize, versionArn);
    const live = await liveVersion(run, solution, solutionArn, versionArn, deps);
    const decision = decide(settings, versionArn, metrics, live);
    if (decision.promoted && decision.warning !== undefined) report.warnings.push(decision.warning);

    const at = deps.now().toISOString();
    const common = {
      runId: run.runId,
      datasetGroupName: run.datasetGroupName,
      stage: run.stage,
      resourceArn: versionArn,
      solutionArn,
      solutionName,
      metrics,
    };
    const record: StoredDecision = {
      decidedAt: at,
      metricsDetail: { ...common, publishedAt: at },
      ...(decision.promoted
        ? {
            promoted: {
              ...common,
              ...(live !== undefined && { previousSolutionVersionArn: live.solutionVersionArn }),
              gate: decision.gate,
              promotedAt: at,
            },
          }
        : {
            rejected: {
              ...common,
              ...(live !== undefined && { baselineMetrics: { ...live.metrics } }),
              liveSolutionVersionArn: (live as LiveVersion).solutionVersionArn,
              gate: decision.gate,
              reason: decision.reason,
              rejectedAt: at,
            },
          }),
    };
    entriesOf(record, deps.busName); // validates before anything is stored
    if ((await createDocument(deps.s3, deps.bucketName, decisionKey, record)) === 'lost-race') {
      // Another delivery decided first: carry out its decision, not a second one.
      const winner = (await readDocument(deps.s3, deps.bucketName, decisionKey, storedDecisionSchema))?.value;
      if (winner === undefined) throw new Error(`${decisionKey} vanished after a conditional write failed`);
      await carryOut(run, winner, deps);
      report.republished = true;
      report.outcome = winner.promoted ? 'promoted' : 'rejected';
      return report;
    }
    await carryOut(run, record, deps);
    report.outcome = decision.promoted ? 'promoted' : 'rejected';
    report.metrics = metrics;
    return report;
  } catch (error) {
    const failure = permanentFailureOf(error);
    await publishStepFailed(run, deps, PIPELINE_STEP.evaluation, 'solutionVersion', { ...failure, resourceArn: versionArn });
    report.failed = failure.reason;
    return report;
  }
}

/**
 * Every step after the decision, each safe to redo: a delivery that stopped between storing the
 * decision and publishing it (a crash, a timeout) left them to the next delivery, which finds the
 * stored decision and comes here again. promoted.json first: the campaign deployer reads it to tell
 * the latest promotion from a stale one, so it must record this one before the event goes out.
 */
async function carryOut(run: RunRef, decision: StoredDecision, deps: EvaluatorDependencies): Promise<void> {
  const promoted = decision.promoted;
  if (promoted !== undefined) {
    await writePromotedVersion(deps.s3, deps.bucketName, run.datasetGroupName, promoted.solutionName, {
      solutionVersionArn: promoted.resourceArn,
      solutionArn: promoted.solutionArn,
      runId: promoted.runId,
      promotedAt: promoted.promotedAt,
      metrics: promoted.metrics,
    });
  }
  await publish(deps.eventBridge, entriesOf(decision, deps.busName));
}

function entriesOf(record: StoredDecision, busName: string): PutEventsRequestEntry[] {
  const decision = record.promoted
    ? solutionVersionPromoted.entry(record.promoted, busName)
    : solutionVersionRejected.entry(record.rejected as NonNullable<StoredDecision['rejected']>, busName);
  return [solutionMetricsPublished.entry(record.metricsDetail, busName), decision];
}

function gateSettings(solution: SolutionPlan | undefined, plan: Plan | undefined): GateSettings {
  const gate = solution?.promotionGate;
  return {
    metric: gate?.metric ?? DEFAULT_PROMOTION_METRIC,
    margin: gate?.margin ?? 0,
    enabled: gate?.enabled ?? true,
    metricChosen: gate !== undefined && gate.metric !== DEFAULT_PROMOTION_METRIC,
    sourcePath: gate?.sourcePath ?? `${solution?.sourcePath ?? `solutions (${plan?.configKey ?? 'no plan'})`}.workflowConfig.promotionGate`,
  };
}

async function solutionMetrics(personalize: PersonalizeClient, solutionVersionArn: string): Promise<Record<string, number>> {
  const response = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn })).catch((error: unknown) => {
    throw toOpsError(error, `GetSolutionMetrics ${solutionVersionArn}`);
  });
  const metrics: Record<string, number> = {};
  for (const [name, value] of Object.entries(response.metrics ?? {}))
    if (typeof value === 'number' && Number.isFinite(value)) metrics[name] = value;
  return metrics;
}

/**
 * The version serving today: the one a campaign of the solution serves (ACTIVE, the first of the
 * plan's campaigns that exists), else the last promoted one. Undefined for a first version.
 */
async function liveVersion(
  run: RunRef,
  solution: SolutionPlan | undefined,
  solutionArn: string,
  candidateArn: string,
  deps: EvaluatorDependencies,
): Promise<LiveVersion | undefined> {
  for (const campaign of solution?.campaigns ?? []) {
    // A pinned campaign serves the file's choice, not the gate's: it says nothing about what was promoted.
    if (campaign.solutionVersionArn !== undefined) continue;
    const found = await findCampaign(deps.personalize, solutionArn, campaign.name);
    const serving = found?.solutionVersionArn;
    if (serving === undefined || serving === candidateArn || found?.status !== 'ACTIVE') continue;
    return {
      solutionVersionArn: serving,
      source: 'campaign',
      description: `served by campaign ${campaign.name}`,
      metrics: await metricsOrEmpty(deps, serving),
    };
  }
  const promoted = await readPromotedVersion(
    deps.s3,
    deps.bucketName,
    run.datasetGroupName,
    solution?.name ?? solutionOfVersion(candidateArn).solutionName,
  );
  if (promoted === undefined || promoted.solutionVersionArn === candidateArn) return undefined;
  return {
    solutionVersionArn: promoted.solutionVersionArn,
    source: 'lastPromoted',
    description: `last promoted ${promoted.solutionVersionArn.slice(promoted.solutionVersionArn.lastIndexOf('/') + 1)}`,
    metrics: await metricsOrEmpty(deps, promoted.solutionVersionArn),
  };
}

/** The live version's metrics; a version that no longer reports any is compared as reporting none. */
async function metricsOrEmpty(deps: EvaluatorDependencies, arn: string): Promise<Record<string, number>> {
  try {
    return await solutionMetrics(deps.personalize, arn);
  } catch (error) {
    if (error instanceof PermanentOpsError) return {};
    throw error;
  }
}
