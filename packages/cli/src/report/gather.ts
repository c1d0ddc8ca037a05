/**
 * Gathers what the report shows: the run tracker's record (steps), the run's bus events when the
 * local cloud's event log is at hand (milestones, gate decisions), the gate's stored decisions in the
 * stage's bucket (the same Promoted/Rejected details, so a deployed stage's report has them too),
 * Personalize (metrics of the run's versions and of the versions campaigns serve) and S3 (the batch
 * jobs' output files).
 */
import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
} from '@aws-sdk/client-personalize';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { gateDecisionKey } from '@recops/core/runtime';
import type { ChainEvent } from '../demo/timeline';
import { chainEventOf, describeEvent, resourceOfArn } from '../demo/timeline';
import { listCampaigns } from '../personalize/lookup';
import { summarizeRun } from '../run/steps';
import type { TrackedRun } from '../run/state';
import type { Target } from '../target';
import type { ReportBatchJob, ReportMilestone, ReportStep, ReportVersion, RunReport } from './html';

/** The run's bus events from a local cloud's event log, oldest first. */
export async function localRunEvents(dataDir: string, runId: string): Promise<ChainEvent[]> {
  const { readEventLog } = await import('@recops/local');
  return (await readEventLog(dataDir)).flatMap((entry) => {
    const event = chainEventOf(entry);
    return event && event.detail['runId'] === runId ? [event] : [];
  });
}

async function metricsOf(target: Target, solutionVersionArn: string): Promise<Record<string, number>> {
  try {
    const { metrics } = await target.clients.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
    return metrics ?? {};
  } catch {
    return {};
  }
}

/** The version the solution's first campaign serves, if any. */
async function liveVersionOf(target: Target, solutionArn: string): Promise<string | undefined> {
  for (const campaign of await listCampaigns(target.clients.personalize, solutionArn)) {
    const { campaign: described } = await target.clients.personalize.send(new DescribeCampaignCommand({ campaignArn: campaign.arn }));
    if (described?.solutionVersionArn) return described.solutionVersionArn;
  }
  return undefined;
}

/** A gate decision, from the bus event or from the record the model evaluator keeps of it. */
interface GateDecision {
  readonly outcome: 'promoted' | 'rejected';
  readonly detail: Readonly<Record<string, unknown>>;
}

/**
 * The decision the model evaluator stored for a version (`models/<dsg>/<solution>/decisions/…`):
 * the Promoted or Rejected detail it published. Undefined when there is none or it cannot be read.
 */
async function storedDecision(
  target: Target,
  datasetGroupName: string,
  solutionName: string,
  arn: string,
): Promise<GateDecision | undefined> {
  try {
    const object = await target.clients.s3.send(
      new GetObjectCommand({ Bucket: target.bucketName, Key: gateDecisionKey(datasetGroupName, solutionName, arn) }),
    );
    const stored = JSON.parse((await object.Body?.transformToString()) ?? '{}') as {
      promoted?: Record<string, unknown>;
      rejected?: Record<string, unknown>;
    };
    if (stored.promoted) return { outcome: 'promoted', detail: stored.promoted };
    if (stored.rejected) return { outcome: 'rejected', detail: stored.rejected };
    return undefined;
  } catch {
    return undefined;
  }
}

async function versionRows(target: Target, run: TrackedRun, events: readonly ChainEvent[]): Promise<ReportVersion[]> {
  const rows: ReportVersion[] = [];
  const versions = Object.entries(run.resources).filter(([, r]) => r.kind === 'solutionVersion' && r.status === 'ACTIVE');
  for (const [arn] of versions) {
    const { solutionVersion } = await target.clients.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn }));
    const solutionArn = solutionVersion?.solutionArn ?? '';
    const solutionName = solutionArn.split('/').pop() ?? arn.split('/').at(-2) ?? '?';
    const metrics = await metricsOf(target, arn);
    const event = events.find(
      (e) =>
        (e.detailType === 'Solution Version Promoted' || e.detailType === 'Solution Version Rejected') && e.detail['resourceArn'] === arn,
    );
    const decision: GateDecision | undefined = event
      ? { outcome: event.detailType === 'Solution Version Promoted' ? 'promoted' : 'rejected', detail: event.detail }
      : await storedDecision(target, run.datasetGroupName, solutionName, arn);
    const gate = decision?.detail['gate'] as { rule?: unknown } | undefined;
    const liveArn = solutionArn ? await liveVersionOf(target, solutionArn) : undefined;
    let verdict: string;
    if (decision)
      verdict =
        decision.outcome === 'promoted'
          ? 'promoted'
          : `rejected${typeof decision.detail['reason'] === 'string' ? `: ${decision.detail['reason']}` : ''}`;
    else if (liveArn === arn) verdict = 'live (a campaign serves it)';
    else if (liveArn) verdict = 'not serving (no gate decision recorded)';
    else verdict = 'no campaign (no gate decision recorded)';
    rows.push({
      solutionName,
      recipe: solutionVersion?.recipeArn?.split('/').pop() ?? '?',
      solutionVersionArn: arn,
      metrics,
      ...(liveArn && liveArn !== arn ? { live: { solutionVersionArn: liveArn, metrics: await metricsOf(target, liveArn) } } : {}),
      decision: verdict,
      ...(typeof gate?.rule === 'string' ? { rule: gate.rule } : {}),
    });
  }
  return rows.sort((a, b) => a.solutionName.localeCompare(b.solutionName));
}

/** Counts the output files of a batch job and their lines; lines carrying `"error"` are error lines. */
async function outputSummary(
  target: Target,
  outputPath: string | undefined,
): Promise<{ files: number; lines: number; errorLines: number }> {
  const match = outputPath ? /^s3:\/\/([^/]+)\/(.*)$/.exec(outputPath) : null;
  if (!match) return { files: 0, lines: 0, errorLines: 0 };
  const [, bucket, prefix] = match as unknown as [string, string, string];
  let files = 0;
  let lines = 0;
  let errorLines = 0;
  try {
    const listed = await target.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    for (const object of listed.Contents ?? []) {
      if (!object.Key?.endsWith('.out')) continue;
      files += 1;
      const body = await target.clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      for (const line of ((await body.Body?.transformToString()) ?? '').split('\n')) {
        if (line.trim() === '') continue;
        lines += 1;
        if (/"error"\s*:\s*(?!null)/.test(line)) errorLines += 1;
      }
    }
  } catch {
    // Output in a bucket the caller cannot read: the job row still shows its status and path.
  }
  return { files, lines, errorLines };
}

async function batchRows(target: Target, run: TrackedRun): Promise<ReportBatchJob[]> {
  const rows: ReportBatchJob[] = [];
  for (const [arn, resource] of Object.entries(run.resources)) {
    if (resource.kind === 'batchInferenceJob') {
      const { batchInferenceJob: job } = await target.clients.personalize.send(
        new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn }),
      );
      const output = job?.jobOutput?.s3DataDestination?.path;
      rows.push({
        jobName: job?.jobName ?? resourceOfArn(arn),
        kind: 'batch inference',
        status: job?.status ?? resource.status,
        ...(output ? { output } : {}),
        ...(await outputSummary(target, output)),
      });
    } else if (resource.kind === 'batchSegmentJob') {
      const { batchSegmentJob: job } = await target.clients.personalize.send(
        new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn }),
      );
      const output = job?.jobOutput?.s3DataDestination?.path;
      rows.push({
        jobName: job?.jobName ?? resourceOfArn(arn),
        kind: 'batch segment',
        status: job?.status ?? resource.status,
        ...(output ? { output } : {}),
        ...(await outputSummary(target, output)),
      });
    }
  }
  return rows;
}

export async function gatherReport(target: Target, run: TrackedRun, events: readonly ChainEvent[] | undefined): Promise<RunReport> {
  const origin = Date.parse(run.startedAt);
  const fromEvents = events && events.length > 0 ? summarizeRun(events) : undefined;
  const steps: ReportStep[] = Object.entries(run.resources)
    .map(([arn, r]): ReportStep => {
      const end = r.observedAt ? Date.parse(r.observedAt) : undefined;
      return {
        resource: resourceOfArn(arn),
        kind: r.kind,
        start: Date.parse(r.requestedAt ?? run.startedAt),
        ...(end !== undefined && r.status !== 'IN_PROGRESS' ? { end } : {}),
        status: r.status,
        ...(r.failureReason ? { failureReason: r.failureReason } : {}),
      };
    })
    .sort((a, b) => a.start - b.start || a.resource.localeCompare(b.resource));
  const milestones: ReportMilestone[] = (fromEvents?.milestones ?? []).map((m) => ({
    at: m.at,
    detailType: m.detailType,
    text: describeEvent({ seq: 0, time: new Date(m.at).toISOString(), source: '', detailType: m.detailType, detail: m.detail }),
  }));
  const notes: string[] = [];
  if (events === undefined) {
    notes.push(
      target.kind === 'stage'
        ? "The run's bus events (its milestones) are in the stage's CloudWatch Logs event log group (stack output eventLogGroup), which recops report does not read: it has no CloudWatch Logs client. Gate decisions are read from the stage's bucket."
        : 'No event log of the local cloud was given (--data-dir): run milestones are left out; gate decisions are read from the bucket.',
    );
  }
  const versions = await versionRows(target, run, events ?? []);
  for (const version of versions) {
    if (/no gate decision recorded/.test(version.decision)) {
      notes.push(
        `No gate decision is recorded for ${version.solutionVersionArn} (models/${run.datasetGroupName}/${version.solutionName}/decisions/ in the bucket): the model evaluator had not decided when this report was written, or failed (see the run's steps).`,
      );
    }
  }
  const outcome = run.outcome?.kind ?? 'running';
  const endedAt = run.outcome ? Date.parse(run.outcome.decidedAt) : undefined;
  return {
    runId: run.runId,
    datasetGroupName: run.datasetGroupName,
    stage: target.stage,
    target: target.description,
    ...((run.trigger ?? fromEvents?.trigger) ? { trigger: (run.trigger ?? fromEvents?.trigger) as string } : {}),
    startedAt: origin,
    ...(endedAt !== undefined ? { endedAt } : {}),
    outcome,
    ...(run.outcome?.reason ? { reason: run.outcome.reason } : {}),
    steps,
    versions,
    batchJobs: await batchRows(target, run),
    milestones,
    notes,
    generatedAt: Date.now(),
  };
}
