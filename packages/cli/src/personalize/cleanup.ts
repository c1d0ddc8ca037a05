/**
 * What `recops cleanup` deletes, and how: a plan of levels in dependency order (schedules first so
 * nothing recreates what goes, then campaigns, recommenders, filters, event trackers, solutions,
 * datasets, schemas, the dataset group), each level deleted and waited on until Personalize no
 * longer knows it before the next starts (Personalize refuses to delete a parent whose children exist).
 */
import {
  DeleteCampaignCommand,
  DeleteDatasetCommand,
  DeleteDatasetGroupCommand,
  DeleteEventTrackerCommand,
  DeleteFilterCommand,
  DeleteRecommenderCommand,
  DeleteSchemaCommand,
  DeleteSolutionCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  ListDatasetsCommand,
  ListRecommendersCommand,
} from '@aws-sdk/client-personalize';
import { DeleteScheduleCommand, GetScheduleCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { CliError } from '../errors';
import type { Target } from '../target';
import { listAll, listCampaigns, listEventTrackers, listFilters, listSolutions, type Named } from './lookup';

const CLEANUP_KINDS = [
  'schedule',
  'campaign',
  'recommender',
  'filter',
  'eventTracker',
  'solution',
  'dataset',
  'schema',
  'datasetGroup',
] as const;
type CleanupKind = (typeof CLEANUP_KINDS)[number];

interface CleanupItem {
  readonly kind: CleanupKind;
  readonly name: string;
  readonly arn: string;
}

export interface CleanupPlan {
  readonly datasetGroup: Named;
  /** Items by level, in the order they are deleted. */
  readonly levels: readonly (readonly CleanupItem[])[];
}

const LABEL: Readonly<Record<CleanupKind, string>> = {
  schedule: 'schedule',
  campaign: 'campaign',
  recommender: 'recommender',
  filter: 'filter',
  eventTracker: 'event tracker',
  solution: 'solution (and its versions)',
  dataset: 'dataset',
  schema: 'schema',
  datasetGroup: 'dataset group',
};

function labelOf(kind: CleanupKind): string {
  return LABEL[kind];
}

/** recops' schedules of this dataset group: their Schedule Fired input names it. */
async function groupSchedules(target: Target, datasetGroupName: string): Promise<CleanupItem[]> {
  if (!target.schedulerGroupName) return [];
  const scheduler = target.clients.scheduler;
  const summaries = await listAll(async (nextToken) => {
    const page = await scheduler.send(new ListSchedulesCommand({ GroupName: target.schedulerGroupName, NextToken: nextToken }));
    return { items: page.Schedules, nextToken: page.NextToken };
  }).catch((error: Error) => {
    if (error.name === 'ResourceNotFoundException') return [];
    throw error;
  });
  const items: CleanupItem[] = [];
  for (const summary of summaries) {
    if (!summary.Name) continue;
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: summary.Name, GroupName: target.schedulerGroupName }));
    const input = schedule.Target?.Input ?? '';
    let detail: unknown;
    try {
      const parsed = JSON.parse(input) as { detail?: unknown; datasetGroupName?: unknown };
      detail = parsed.detail ?? parsed;
    } catch {
      continue;
    }
    if ((detail as { datasetGroupName?: unknown }).datasetGroupName === datasetGroupName) {
      items.push({ kind: 'schedule', name: summary.Name, arn: schedule.Arn ?? summary.Arn ?? summary.Name });
    }
  }
  return items;
}

export async function planCleanup(target: Target, datasetGroup: Named, campaignsOnly: boolean): Promise<CleanupPlan> {
  const personalize = target.clients.personalize;
  const solutions = await listSolutions(personalize, datasetGroup.arn);
  const campaigns: CleanupItem[] = [];
  for (const solution of solutions) {
    for (const c of await listCampaigns(personalize, solution.arn)) campaigns.push({ kind: 'campaign', name: c.name, arn: c.arn });
  }
  if (campaignsOnly) return { datasetGroup, levels: [campaigns] };
  const named = (kind: CleanupKind, list: readonly Named[]): CleanupItem[] => list.map((n) => ({ kind, name: n.name, arn: n.arn }));
  const recommenders = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListRecommendersCommand({ datasetGroupArn: datasetGroup.arn, maxResults: 100, nextToken }));
    return {
      items: (page.recommenders ?? []).flatMap((r) => (r.name && r.recommenderArn ? [{ name: r.name, arn: r.recommenderArn }] : [])),
      nextToken: page.nextToken,
    };
  });
  const datasets = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListDatasetsCommand({ datasetGroupArn: datasetGroup.arn, maxResults: 100, nextToken }));
    return {
      items: (page.datasets ?? []).flatMap((d) => (d.name && d.datasetArn ? [{ name: d.name, arn: d.datasetArn }] : [])),
      nextToken: page.nextToken,
    };
  });
  const schemas = new Map<string, CleanupItem>();
  for (const dataset of datasets) {
    const { dataset: described } = await personalize.send(new DescribeDatasetCommand({ datasetArn: dataset.arn }));
    const schemaArn = described?.schemaArn;
    if (schemaArn && !schemas.has(schemaArn))
      schemas.set(schemaArn, { kind: 'schema', name: schemaArn.split('/').pop() ?? schemaArn, arn: schemaArn });
  }
  const levels: CleanupItem[][] = [
    await groupSchedules(target, datasetGroup.name),
    campaigns,
    named('recommender', recommenders),
    named('filter', await listFilters(personalize, datasetGroup.arn)),
    named('eventTracker', await listEventTrackers(personalize, datasetGroup.arn)),
    named('solution', solutions),
    named('dataset', datasets),
    [...schemas.values()],
    [{ kind: 'datasetGroup', name: datasetGroup.name, arn: datasetGroup.arn }],
  ];
  return { datasetGroup, levels: levels.filter((level) => level.length > 0) };
}

async function deleteItem(target: Target, item: CleanupItem): Promise<void> {
  const p = target.clients.personalize;
  switch (item.kind) {
    case 'schedule':
      await target.clients.scheduler.send(new DeleteScheduleCommand({ Name: item.name, GroupName: target.schedulerGroupName }));
      return;
    case 'campaign':
      await p.send(new DeleteCampaignCommand({ campaignArn: item.arn }));
      return;
    case 'recommender':
      await p.send(new DeleteRecommenderCommand({ recommenderArn: item.arn }));
      return;
    case 'filter':
      await p.send(new DeleteFilterCommand({ filterArn: item.arn }));
      return;
    case 'eventTracker':
      await p.send(new DeleteEventTrackerCommand({ eventTrackerArn: item.arn }));
      return;
    case 'solution':
      await p.send(new DeleteSolutionCommand({ solutionArn: item.arn }));
      return;
    case 'dataset':
      await p.send(new DeleteDatasetCommand({ datasetArn: item.arn }));
      return;
    case 'schema':
      await p.send(new DeleteSchemaCommand({ schemaArn: item.arn }));
      return;
    case 'datasetGroup':
      await p.send(new DeleteDatasetGroupCommand({ datasetGroupArn: item.arn }));
  }
}

/** True while Personalize still knows the resource (deletes are asynchronous). */
async function stillExists(target: Target, item: CleanupItem): Promise<boolean> {
  const p = target.clients.personalize;
  try {
    switch (item.kind) {
      case 'schedule':
        await target.clients.scheduler.send(new GetScheduleCommand({ Name: item.name, GroupName: target.schedulerGroupName }));
        break;
      case 'campaign':
        await p.send(new DescribeCampaignCommand({ campaignArn: item.arn }));
        break;
      case 'recommender':
        await p.send(new DescribeRecommenderCommand({ recommenderArn: item.arn }));
        break;
      case 'filter':
        await p.send(new DescribeFilterCommand({ filterArn: item.arn }));
        break;
      case 'eventTracker':
        await p.send(new DescribeEventTrackerCommand({ eventTrackerArn: item.arn }));
        break;
      case 'solution':
        await p.send(new DescribeSolutionCommand({ solutionArn: item.arn }));
        break;
      case 'dataset':
        await p.send(new DescribeDatasetCommand({ datasetArn: item.arn }));
        break;
      case 'schema':
        await p.send(new DescribeSchemaCommand({ schemaArn: item.arn }));
        break;
      case 'datasetGroup':
        await p.send(new DescribeDatasetGroupCommand({ datasetGroupArn: item.arn }));
    }
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

export interface CleanupReport {
  readonly deleted: readonly CleanupItem[];
  /** Left in place, with why (a schema another dataset group still uses). */
  readonly kept: readonly (CleanupItem & { readonly reason: string })[];
}

export interface CleanupOptions {
  /** Between checks of a level's deletes. */
  readonly pollMs: number;
  /** Per level. */
  readonly timeoutMs: number;
  readonly onProgress: (line: string) => void;
  readonly onStatus: (text: string) => void;
}

export async function executeCleanup(target: Target, plan: CleanupPlan, options: CleanupOptions): Promise<CleanupReport> {
  const deleted: CleanupItem[] = [];
  const kept: (CleanupItem & { reason: string })[] = [];
  for (const level of plan.levels) {
    const started = Date.now();
    const pending: CleanupItem[] = [];
    for (const item of level) {
      try {
        await deleteItem(target, item);
        pending.push(item);
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'ResourceNotFoundException') {
          deleted.push(item);
          options.onProgress(`  deleted ${labelOf(item.kind)} ${item.name} (already gone)`);
        } else if (item.kind === 'schema' && name === 'ResourceInUseException') {
          kept.push({ ...item, reason: 'another dataset still uses it' });
          options.onProgress(`  kept    schema ${item.name}: another dataset still uses it`);
        } else if (name === 'ResourceInUseException' && /delete/i.test((error as Error).message)) {
          pending.push(item); // a delete already under way
        } else {
          throw new CliError(`deleting ${labelOf(item.kind)} ${item.name} failed: ${(error as Error).message}`, { cause: error });
        }
      }
    }
    while (pending.length > 0) {
      for (const item of [...pending]) {
        if (!(await stillExists(target, item))) {
          pending.splice(pending.indexOf(item), 1);
          deleted.push(item);
          options.onProgress(`  deleted ${labelOf(item.kind)} ${item.name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
        }
      }
      if (pending.length === 0) break;
      if (Date.now() - started > options.timeoutMs) {
        throw new CliError(
          `still deleting after ${Math.round(options.timeoutMs / 1000)} s: ${pending.map((i) => `${labelOf(i.kind)} ${i.name}`).join(', ')}; run cleanup again later`,
        );
      }
      options.onStatus(
        `  waiting for ${pending.length} ${labelOf(pending[0]?.kind ?? 'campaign')} delete${pending.length === 1 ? '' : 's'} … ${((Date.now() - started) / 1000).toFixed(0)}s`,
      );
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    }
  }
  return { deleted, kept };
}

export function formatPlan(plan: CleanupPlan, target: Target): string[] {
  const count = plan.levels.reduce((n, level) => n + level.length, 0);
  const lines = [
    `Cleanup of dataset group ${plan.datasetGroup.name} on ${target.description} (stage ${target.stage}): ${count} resource${count === 1 ? '' : 's'}, in this order:`,
  ];
  let step = 0;
  for (const level of plan.levels) {
    for (const item of level) lines.push(`  ${String((step += 1)).padStart(3)}. ${labelOf(item.kind).padEnd(27)} ${item.name}`);
  }
  if (count === 0) lines.push('  (nothing to delete)');
  return lines;
}
