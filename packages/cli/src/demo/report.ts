/**
 * What the demo shows once a run completed: the offline metrics of the run's solution versions and,
 * when the dataset group has an ACTIVE campaign, a few live recommendations for one user, read back
 * through the Personalize APIs like any client of the service would.
 */
import {
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListFiltersCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, type PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';

export interface VersionMetrics {
  readonly solutionName: string;
  readonly recipe: string;
  readonly solutionVersionArn: string;
  readonly metrics: Readonly<Record<string, number>>;
}

export interface Recommendations {
  readonly campaignName: string;
  readonly campaignArn: string;
  readonly userId: string;
  readonly itemIds: readonly string[];
  /** The filter applied, with its placeholder values as sent. */
  readonly filter?: { readonly name: string; readonly values: Readonly<Record<string, string>> };
}

/** A filter of the dataset group, by name, if it exists and is ACTIVE. */
export async function findActiveFilter(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  name: string,
): Promise<{ name: string; arn: string } | undefined> {
  const { Filters } = await personalize.send(new ListFiltersCommand({ datasetGroupArn, maxResults: 100 }));
  const filter = (Filters ?? []).find((f) => f.name === name && f.status === 'ACTIVE' && f.filterArn);
  return filter?.filterArn ? { name, arn: filter.filterArn } : undefined;
}

/** Personalize's filterValues syntax for string values: each quoted, comma-separated. */
export function quotedFilterValues(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(',');
}

/** Metrics shown per version, with their column headings (all are GetSolutionMetrics names). */
const SHOWN_METRICS = [
  ['coverage', 'coverage'],
  ['mean_reciprocal_rank_at_25', 'MRR@25'],
  ['normalized_discounted_cumulative_gain_at_10', 'NDCG@10'],
  ['precision_at_10', 'precision@10'],
] as const;

/** Metrics of every solution version in `solutionVersionArns` (Pipeline Completed's resources). */
export async function readVersionMetrics(
  personalize: PersonalizeClient,
  solutionVersionArns: readonly string[],
): Promise<VersionMetrics[]> {
  const rows: VersionMetrics[] = [];
  for (const solutionVersionArn of solutionVersionArns) {
    const { solutionVersion } = await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn }));
    const { metrics } = await personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
    // solution-version ARNs are `…:solution/<solution name>/<version id>`.
    const solutionName = solutionVersion?.solutionArn?.split('/').pop() ?? solutionVersionArn.split('/').at(-2) ?? '?';
    rows.push({
      solutionName,
      recipe: solutionVersion?.recipeArn?.split('/').pop() ?? '?',
      solutionVersionArn,
      metrics: metrics ?? {},
    });
  }
  return rows.sort((a, b) => a.solutionName.localeCompare(b.solutionName));
}

export function formatMetricsTable(rows: readonly VersionMetrics[]): string[] {
  const nameWidth = Math.max(8, ...rows.map((r) => r.solutionName.length));
  const recipeWidth = Math.max(6, ...rows.map((r) => r.recipe.length));
  const header = `  ${'solution'.padEnd(nameWidth)}  ${'recipe'.padEnd(recipeWidth)}${SHOWN_METRICS.map(([, title]) => title.padStart(14)).join('')}`;
  const lines = rows.map((row) => {
    const values = SHOWN_METRICS.map(([name]) => {
      const value = row.metrics[name];
      return (value === undefined ? '-' : value.toFixed(4)).padStart(14);
    });
    return `  ${row.solutionName.padEnd(nameWidth)}  ${row.recipe.padEnd(recipeWidth)}${values.join('')}`;
  });
  return [header, ...lines];
}

export async function recommendFor(
  runtime: PersonalizeRuntimeClient,
  campaign: { name: string; arn: string },
  userId: string,
  numResults: number,
  filter?: { name: string; arn: string; values: Record<string, string> },
): Promise<Recommendations> {
  const { itemList } = await runtime.send(
    new GetRecommendationsCommand({
      campaignArn: campaign.arn,
      userId,
      numResults,
      ...(filter ? { filterArn: filter.arn, filterValues: filter.values } : {}),
    }),
  );
  return {
    campaignName: campaign.name,
    campaignArn: campaign.arn,
    userId,
    itemIds: (itemList ?? []).flatMap((item) => (item.itemId ? [item.itemId] : [])),
    ...(filter ? { filter: { name: filter.name, values: filter.values } } : {}),
  };
}
