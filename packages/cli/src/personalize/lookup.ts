/**
 * Finding a stage's Personalize resources by the names a user types: the parameter file's name,
 * which the stage's rule (`stageScopedName`: `<stage>-<name>` outside production) turns into the
 * Personalize name, or that Personalize name itself. A non-production stage never matches a name
 * without its prefix: that resource belongs to another stage of the account.
 */
import {
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListSolutionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { personalizeNamePrefix, stageScopedName } from '@recops/core';
import { CliError } from '../errors';
import type { Target } from '../target';

/** Every page of a Personalize List call. */
export async function listAll<T>(
  fetch: (nextToken: string | undefined) => Promise<{ items: readonly T[] | undefined; nextToken: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetch(token);
    all.push(...(page.items ?? []));
    token = page.nextToken;
  } while (token);
  return all;
}

/** The Personalize names `name` may mean on the target's stage, the stage's rule first. */
export function namesFor(target: Pick<Target, 'stage'>, name: string): string[] {
  const scoped = stageScopedName(target.stage, name);
  return name.startsWith(personalizeNamePrefix(target.stage)) && scoped !== name ? [scoped, name] : [scoped];
}

export interface Named {
  readonly name: string;
  readonly arn: string;
  readonly status?: string;
}

function pickNamed<T extends Named>(target: Target, what: string, name: string, found: readonly T[], where = ''): T {
  const wanted = namesFor(target, name);
  const match = wanted.map((n) => found.find((f) => f.name === n)).find((f) => f !== undefined);
  if (!match) {
    const known = found.map((f) => f.name).sort();
    const other = wanted[0] !== name && known.includes(name);
    throw new CliError(
      `no ${what} ${name} on ${target.description}${where}${known.length > 0 ? ` (there: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''})` : ''}` +
        (other ? `; ${name} itself is not stage ${target.stage}'s: its Personalize names are ${wanted[0]} and the like` : ''),
    );
  }
  return match;
}

async function listDatasetGroups(personalize: PersonalizeClient): Promise<Named[]> {
  return listAll(async (nextToken) => {
    const page = await personalize.send(new ListDatasetGroupsCommand({ maxResults: 100, nextToken }));
    return {
      items: (page.datasetGroups ?? []).flatMap((g) =>
        g.name && g.datasetGroupArn ? [{ name: g.name, arn: g.datasetGroupArn, ...(g.status ? { status: g.status } : {}) }] : [],
      ),
      nextToken: page.nextToken,
    };
  });
}

export async function findDatasetGroup(target: Target, name: string): Promise<Named> {
  return pickNamed(target, 'dataset group', name, await listDatasetGroups(target.clients.personalize));
}

export async function listSolutions(personalize: PersonalizeClient, datasetGroupArn: string): Promise<Named[]> {
  return listAll(async (nextToken) => {
    const page = await personalize.send(new ListSolutionsCommand({ datasetGroupArn, maxResults: 100, nextToken }));
    return {
      items: (page.solutions ?? []).flatMap((s) =>
        s.name && s.solutionArn ? [{ name: s.name, arn: s.solutionArn, ...(s.status ? { status: s.status } : {}) }] : [],
      ),
      nextToken: page.nextToken,
    };
  });
}

export async function listCampaigns(personalize: PersonalizeClient, solutionArn?: string): Promise<Named[]> {
  return listAll(async (nextToken) => {
    const page = await personalize.send(new ListCampaignsCommand({ ...(solutionArn ? { solutionArn } : {}), maxResults: 100, nextToken }));
    return {
      items: (page.campaigns ?? []).flatMap((c) =>
        c.name && c.campaignArn ? [{ name: c.name, arn: c.campaignArn, ...(c.status ? { status: c.status } : {}) }] : [],
      ),
      nextToken: page.nextToken,
    };
  });
}

export async function findCampaign(target: Target, name: string): Promise<Named> {
  return pickNamed(target, 'campaign', name, await listCampaigns(target.clients.personalize));
}

export async function listFilters(personalize: PersonalizeClient, datasetGroupArn: string): Promise<Named[]> {
  return listAll(async (nextToken) => {
    const page = await personalize.send(new ListFiltersCommand({ datasetGroupArn, maxResults: 100, nextToken }));
    return {
      items: (page.Filters ?? []).flatMap((f) =>
        f.name && f.filterArn ? [{ name: f.name, arn: f.filterArn, ...(f.status ? { status: f.status } : {}) }] : [],
      ),
      nextToken: page.nextToken,
    };
  });
}

export async function findFilter(target: Target, datasetGroupArn: string, name: string): Promise<Named> {
  return pickNamed(target, 'filter', name, await listFilters(target.clients.personalize, datasetGroupArn), ' in that dataset group');
}

export async function listEventTrackers(personalize: PersonalizeClient, datasetGroupArn: string): Promise<Named[]> {
  return listAll(async (nextToken) => {
    const page = await personalize.send(new ListEventTrackersCommand({ datasetGroupArn, maxResults: 100, nextToken }));
    return {
      items: (page.eventTrackers ?? []).flatMap((t) =>
        t.name && t.eventTrackerArn ? [{ name: t.name, arn: t.eventTrackerArn, ...(t.status ? { status: t.status } : {}) }] : [],
      ),
      nextToken: page.nextToken,
    };
  });
}
