/**
 * `recops import-existing`: reads a dataset group's resources through the Personalize API and writes
 * the parameter file (MPE format) that describes them, so recops can manage them from then on.
 * Settings the parameter file cannot hold are left out and listed as notes; the result is checked
 * with the same validator as an upload before it is written.
 */
import {
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeFilterCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  ListDatasetsCommand,
  ListRecommendersCommand,
} from '@aws-sdk/client-personalize';
import { parseParameterFileText, personalizeNamePrefix } from '@recops/core';
import { CliError, UsageError } from '../errors';
import type { Target } from '../target';
import { listAll, listCampaigns, listEventTrackers, listFilters, listSolutions, type Named } from './lookup';

/** `datasetType` as Personalize reports it → the MPE `datasets` key. */
const DATASET_KEY: Readonly<Record<string, string>> = {
  INTERACTIONS: 'interactions',
  ITEMS: 'items',
  USERS: 'users',
  ACTIONS: 'actions',
  ACTION_INTERACTIONS: 'actionInteractions',
};

/** `--schedule KIND=EXPR`: `import`, or `full`/`update` (every solution) or `full:<solution>`. */
export interface ScheduleRequest {
  readonly kind: 'import' | 'full' | 'update';
  readonly solution?: string;
  readonly expression: string;
}

export function parseScheduleRequest(text: string): ScheduleRequest {
  const match = /^(import|full|update)(?::([^=]+))?=(.+)$/.exec(text.trim());
  if (!match)
    throw new UsageError(`--schedule must be import=EXPR, full=EXPR, update=EXPR or full:<solution>=EXPR, got ${JSON.stringify(text)}`);
  const [, kind, solution, expression] = match;
  if (kind === 'import' && solution)
    throw new UsageError(`--schedule import applies to the dataset group, not a solution: ${JSON.stringify(text)}`);
  return { kind: kind as ScheduleRequest['kind'], ...(solution ? { solution } : {}), expression: expression as string };
}

export interface ImportResult {
  readonly parameterFile: Record<string, unknown>;
  /** What the file leaves out, and why. */
  readonly notes: readonly string[];
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}

export async function importExisting(target: Target, group: Named, schedules: readonly ScheduleRequest[]): Promise<ImportResult> {
  const p = target.clients.personalize;
  const notes: string[] = [];
  // The file holds the names a run on this stage turns back into these (the stage's prefix comes off).
  const prefix = personalizeNamePrefix(target.stage);
  const unprefixed: string[] = [];
  const fileName = (name: string): string => {
    if (name.startsWith(prefix)) return name.slice(prefix.length);
    unprefixed.push(name);
    return name;
  };
  const { datasetGroup } = await p.send(new DescribeDatasetGroupCommand({ datasetGroupArn: group.arn }));
  const file: Record<string, unknown> = {
    datasetGroup: {
      serviceConfig: definedOnly({
        name: fileName(group.name),
        domain: datasetGroup?.domain,
        kmsKeyArn: datasetGroup?.kmsKeyArn,
        roleArn: datasetGroup?.roleArn,
      }),
    },
  };

  const datasets: Record<string, unknown> = {};
  const datasetList = await listAll(async (nextToken) => {
    const page = await p.send(new ListDatasetsCommand({ datasetGroupArn: group.arn, maxResults: 100, nextToken }));
    return { items: page.datasets, nextToken: page.nextToken };
  });
  for (const summary of datasetList) {
    if (!summary.datasetArn) continue;
    const { dataset } = await p.send(new DescribeDatasetCommand({ datasetArn: summary.datasetArn }));
    const key = DATASET_KEY[dataset?.datasetType?.toUpperCase() ?? ''];
    if (!dataset?.name || !dataset.schemaArn || !key) {
      notes.push(
        `dataset ${summary.name ?? summary.datasetArn}: type ${dataset?.datasetType ?? '?'} is not one the parameter file holds; left out`,
      );
      continue;
    }
    const { schema } = await p.send(new DescribeSchemaCommand({ schemaArn: dataset.schemaArn }));
    datasets[key] = {
      dataset: { serviceConfig: { name: fileName(dataset.name) } },
      schema: {
        serviceConfig: {
          name: fileName(schema?.name ?? dataset.schemaArn.split('/').pop() ?? ''),
          schema: JSON.parse(schema?.schema ?? '{}') as unknown,
        },
      },
    };
  }
  if (Object.keys(datasets).length > 0) file['datasets'] = datasets;

  const solutions: Record<string, unknown>[] = [];
  for (const summary of await listSolutions(p, group.arn)) {
    const { solution } = await p.send(new DescribeSolutionCommand({ solutionArn: summary.arn }));
    const campaigns: Record<string, unknown>[] = [];
    for (const c of await listCampaigns(p, summary.arn)) {
      const { campaign } = await p.send(new DescribeCampaignCommand({ campaignArn: c.arn }));
      const config = campaign?.campaignConfig ? definedOnly(campaign.campaignConfig as Record<string, unknown>) : undefined;
      campaigns.push({
        serviceConfig: definedOnly({
          name: fileName(c.name),
          minProvisionedTPS: campaign?.minProvisionedTPS,
          campaignConfig: config && Object.keys(config).length > 0 ? config : undefined,
        }),
      });
    }
    const solutionConfig = solution?.solutionConfig ? definedOnly(solution.solutionConfig as Record<string, unknown>) : undefined;
    const solutionName = fileName(summary.name);
    const entry: Record<string, unknown> = {
      serviceConfig: definedOnly({
        name: solutionName,
        recipeArn: solution?.recipeArn,
        performHPO: solution?.performHPO || undefined,
        eventType: solution?.eventType,
        solutionConfig: solutionConfig && Object.keys(solutionConfig).length > 0 ? solutionConfig : undefined,
      }),
    };
    const solutionSchedules = Object.fromEntries(
      schedules
        .filter((s) => s.kind !== 'import' && (s.solution === undefined || s.solution === solutionName))
        .map((s) => [s.kind, s.expression]),
    );
    if (Object.keys(solutionSchedules).length > 0) entry['workflowConfig'] = { schedules: solutionSchedules };
    if (campaigns.length > 0) entry['campaigns'] = campaigns;
    solutions.push(entry);
  }
  for (const request of schedules) {
    if (request.solution && !solutions.some((s) => (s['serviceConfig'] as { name?: string }).name === request.solution)) {
      throw new UsageError(
        `--schedule ${request.kind}:${request.solution}: dataset group ${group.name} has no solution ${request.solution}`,
      );
    }
  }
  if (solutions.length > 0) file['solutions'] = solutions;

  const importSchedule = schedules.find((s) => s.kind === 'import');
  if (importSchedule)
    (file['datasetGroup'] as Record<string, unknown>)['workflowConfig'] = { schedules: { import: importSchedule.expression } };

  const [tracker] = await listEventTrackers(p, group.arn);
  if (tracker) file['eventTracker'] = { serviceConfig: { name: fileName(tracker.name) } };

  const filters: Record<string, unknown>[] = [];
  for (const f of await listFilters(p, group.arn)) {
    const { filter } = await p.send(new DescribeFilterCommand({ filterArn: f.arn }));
    if (filter?.filterExpression) filters.push({ serviceConfig: { name: fileName(f.name), filterExpression: filter.filterExpression } });
  }
  if (filters.length > 0) file['filters'] = filters;

  const recommenders: Record<string, unknown>[] = [];
  const recommenderList = await listAll(async (nextToken) => {
    const page = await p.send(new ListRecommendersCommand({ datasetGroupArn: group.arn, maxResults: 100, nextToken }));
    return { items: page.recommenders, nextToken: page.nextToken };
  });
  for (const summary of recommenderList) {
    if (!summary.recommenderArn) continue;
    const { recommender } = await p.send(new DescribeRecommenderCommand({ recommenderArn: summary.recommenderArn }));
    const config = recommender?.recommenderConfig ? definedOnly(recommender.recommenderConfig as Record<string, unknown>) : undefined;
    recommenders.push({
      serviceConfig: definedOnly({
        name: fileName(recommender?.name ?? summary.name ?? ''),
        recipeArn: recommender?.recipeArn,
        recommenderConfig: config && Object.keys(config).length > 0 ? config : undefined,
      }),
    });
  }
  if (recommenders.length > 0) file['recommenders'] = recommenders;

  // The file must pass the upload's own checks; a setting it cannot hold is a bug to report, not to write.
  const result = parseParameterFileText(JSON.stringify(file));
  if (!result.ok) {
    throw new CliError(
      `the parameter file describing ${group.name} would not pass validation:\n${result.errors.map((e) => `  ${e.path}: ${e.message}`).join('\n')}`,
    );
  }
  if (unprefixed.length > 0) {
    notes.push(
      `${unprefixed.join(', ')} ${unprefixed.length === 1 ? 'does' : 'do'} not start with stage ${target.stage}'s prefix "${prefix}": a run of this file on stage ${target.stage} creates ${prefix}<name> instead of using ${unprefixed.length === 1 ? 'it' : 'them'}`,
    );
  }
  notes.push(
    'datasets import from train/<dataset group>/<type>.csv of the stage bucket on each run: put the CSVs there before uploading this file',
  );
  return { parameterFile: file, notes };
}
