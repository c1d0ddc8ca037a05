/**
 * Personalize names solutions, campaigns, filters, recommenders and event trackers account-wide:
 * a name another dataset group already uses will never be ours, and creating under it fails only
 * after the run has created its dataset group, schemas, datasets and imports. The run door checks
 * the plan's names first, so such a file fails at once with every clash named and nothing created.
 *
 * Cost: one paginated List per kind (account-wide), and one Describe per name that matches, to
 * learn which dataset group holds it (List summaries of solutions, campaigns and event trackers
 * do not say).
 */
import {
  DescribeCampaignCommand,
  DescribeEventTrackerCommand,
  DescribeSolutionCommand,
  paginateListCampaigns,
  paginateListEventTrackers,
  paginateListFilters,
  paginateListRecommenders,
  paginateListSolutions,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { EventIssue } from '@recops/events';
import type { Plan } from '@recops/core';

/** A name of the plan that another dataset group uses. */
interface NameClash {
  readonly kind: 'solution' | 'campaign' | 'filter' | 'recommender' | 'event tracker';
  readonly name: string;
  /** Where the file sets it. */
  readonly path: string;
  readonly otherGroupArn: string;
}

/** The names the plan will create, by kind, with where the file sets each. */
function plannedNames(plan: Plan) {
  return {
    solution: plan.solutions.map((s) => ({ name: s.name, path: s.sourcePath })),
    campaign: plan.solutions.flatMap((s) => s.campaigns.map((c) => ({ name: c.name, path: c.sourcePath }))),
    filter: plan.filters.map((f) => ({ name: f.name, path: f.sourcePath })),
    recommender: plan.recommenders.map((r) => ({ name: r.name, path: r.sourcePath })),
    eventTracker: plan.eventTracker ? [{ name: plan.eventTracker.name, path: plan.eventTracker.sourcePath }] : [],
  };
}

/** The dataset group named in a dataset group ARN (`…:dataset-group/<name>`). */
function groupNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

async function collect<T>(pages: AsyncIterable<object>, key: string): Promise<T[]> {
  const items: T[] = [];
  for await (const page of pages) items.push(...(((page as Record<string, unknown>)[key] ?? []) as T[]));
  return items;
}

/** Every name of `plan` that a dataset group other than the plan's own already uses. */
export async function findNameClashes(personalize: PersonalizeClient, plan: Plan): Promise<NameClash[]> {
  const wanted = plannedNames(plan);
  const ours = plan.datasetGroup.name;
  const clashes: NameClash[] = [];
  const note = (kind: NameClash['kind'], entry: { name: string; path: string }, groupArn: string | undefined) => {
    if (groupArn !== undefined && groupNameOf(groupArn) !== ours) clashes.push({ kind, ...entry, otherGroupArn: groupArn });
  };
  const client = { client: personalize };

  if (wanted.solution.length > 0) {
    const listed = await collect<{ name?: string; solutionArn?: string }>(paginateListSolutions(client, {}), 'solutions');
    for (const entry of wanted.solution) {
      const found = listed.find((s) => s.name === entry.name);
      if (found?.solutionArn === undefined) continue;
      const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn: found.solutionArn }));
      note('solution', entry, solution?.datasetGroupArn);
    }
  }
  if (wanted.campaign.length > 0) {
    const listed = await collect<{ name?: string; campaignArn?: string }>(paginateListCampaigns(client, {}), 'campaigns');
    for (const entry of wanted.campaign) {
      const found = listed.find((c) => c.name === entry.name);
      if (found?.campaignArn === undefined) continue;
      const { campaign } = await personalize.send(new DescribeCampaignCommand({ campaignArn: found.campaignArn }));
      const versionArn = campaign?.solutionVersionArn;
      if (versionArn === undefined) continue;
      // arn:…:solution/<solution>/<version id>: the solution names the group.
      const solutionArn = versionArn.slice(0, versionArn.lastIndexOf('/'));
      const { solution } = await personalize.send(new DescribeSolutionCommand({ solutionArn }));
      note('campaign', entry, solution?.datasetGroupArn);
    }
  }
  if (wanted.filter.length > 0) {
    const listed = await collect<{ name?: string; datasetGroupArn?: string }>(paginateListFilters(client, {}), 'Filters');
    for (const entry of wanted.filter) note('filter', entry, listed.find((f) => f.name === entry.name)?.datasetGroupArn);
  }
  if (wanted.recommender.length > 0) {
    const listed = await collect<{ name?: string; datasetGroupArn?: string }>(paginateListRecommenders(client, {}), 'recommenders');
    for (const entry of wanted.recommender) note('recommender', entry, listed.find((r) => r.name === entry.name)?.datasetGroupArn);
  }
  if (wanted.eventTracker.length > 0) {
    const listed = await collect<{ name?: string; eventTrackerArn?: string }>(paginateListEventTrackers(client, {}), 'eventTrackers');
    for (const entry of wanted.eventTracker) {
      const found = listed.find((t) => t.name === entry.name);
      if (found?.eventTrackerArn === undefined) continue;
      const { eventTracker } = await personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: found.eventTrackerArn }));
      note('event tracker', entry, eventTracker?.datasetGroupArn);
    }
  }
  return clashes;
}

/** One issue per clash: the resource, its name, the other group and the rule. */
export function clashIssues(clashes: readonly NameClash[]): EventIssue[] {
  return clashes.map((clash) => ({
    path: clash.path,
    message: `${clash.kind} name "${clash.name}" is already used by the dataset group ${clash.otherGroupArn}; Personalize names are account-wide, so choose another name`,
  }));
}
