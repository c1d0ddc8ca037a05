/**
 * `recops recommend --campaign NAME --user ID [-n N] [--filter NAME --value K=V…] [--items A,B,…]`
 * asks a campaign for recommendations (GetRecommendations), or with --items to rank those items
 * for the user (GetPersonalizedRanking). `recops put-events` records interactions through the
 * dataset group's event tracker, so the next recommendations take them into account.
 */
import type { Command } from 'commander';
import { CliError, UsageError } from '../errors';
import { printJson } from '../output';
import { resolveTarget, type Target, type TargetOptions } from '../target';
import { targetOptionsOf, withTargetOptions } from './target-options';

/** `GENRES=Action,Comedy` → `{ GENRES: '"Action","Comedy"' }`; a value already in quotes is kept. */
function filterValuesOf(pairs: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--value must be NAME=VALUE (e.g. GENRES=Action,Comedy), got ${JSON.stringify(pair)}`);
    const name = pair.slice(0, at).replace(/^\$/, '');
    const raw = pair.slice(at + 1);
    values[name] = raw.startsWith('"')
      ? raw
      : raw
          .split(',')
          .map((v) => JSON.stringify(v.trim()))
          .join(',');
  }
  return values;
}

async function datasetGroupOfCampaign(target: Target, campaignArn: string): Promise<string> {
  const { DescribeCampaignCommand, DescribeSolutionCommand, DescribeSolutionVersionCommand } = await import('@aws-sdk/client-personalize');
  const { campaign } = await target.clients.personalize.send(new DescribeCampaignCommand({ campaignArn }));
  const { solutionVersion } = await target.clients.personalize.send(
    new DescribeSolutionVersionCommand({ solutionVersionArn: campaign?.solutionVersionArn ?? '' }),
  );
  const { solution } = await target.clients.personalize.send(
    new DescribeSolutionCommand({ solutionArn: solutionVersion?.solutionArn ?? '' }),
  );
  if (!solution?.datasetGroupArn) throw new CliError(`cannot find the dataset group of campaign ${campaignArn}`);
  return solution.datasetGroupArn;
}

interface RecommendOptions extends TargetOptions {
  readonly campaign: string;
  readonly user?: string;
  readonly num: string;
  readonly filter?: string;
  readonly value?: string[];
  readonly items?: string;
  readonly json?: boolean;
}

export function registerRecommend(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('recommend')
      .summary('ask a campaign for recommendations (or a ranking of --items)')
      .description(
        "Asks the campaign for a user's recommendations, optionally through a filter, or with --items ranks those items for the user.",
      )
      .requiredOption('--campaign <name>', 'campaign name')
      .requiredOption('--user <id>', 'user id')
      .option('-n, --num <n>', 'how many recommendations', '10')
      .option('--filter <name>', 'a filter of the dataset group')
      .option('--value <NAME=VALUE...>', 'filter placeholder values, e.g. GENRES=Action,Comedy')
      .option('--items <ids>', 'comma-separated item ids to rank (personalized ranking)')
      .option('--json', 'print the answer as JSON'),
  ).action(async (opts: RecommendOptions) => {
    const num = Number(opts.num);
    if (!/^\d+$/.test(opts.num) || num < 1 || num > 500)
      throw new UsageError(`--num must be a whole number from 1 to 500, got ${JSON.stringify(opts.num)}`);
    if (opts.value && !opts.filter) throw new UsageError('--value needs --filter');
    const target = await resolveTarget(targetOptionsOf(opts));
    const [{ findCampaign, findFilter }, { GetPersonalizedRankingCommand, GetRecommendationsCommand }] = await Promise.all([
      import('../personalize/lookup'),
      import('@aws-sdk/client-personalize-runtime'),
    ]);
    const campaign = await findCampaign(target, opts.campaign);
    if (campaign.status !== undefined && campaign.status !== 'ACTIVE')
      throw new CliError(`campaign ${campaign.name} is ${campaign.status}, not ACTIVE`);
    let filter: { arn: string; values?: Record<string, string> } | undefined;
    if (opts.filter) {
      const found = await findFilter(target, await datasetGroupOfCampaign(target, campaign.arn), opts.filter);
      filter = { arn: found.arn, ...(opts.value ? { values: filterValuesOf(opts.value) } : {}) };
    }
    const filterInput = filter ? { filterArn: filter.arn, ...(filter.values ? { filterValues: filter.values } : {}) } : {};
    const runtime = target.clients.personalizeRuntime;
    const answer = opts.items
      ? await runtime.send(
          new GetPersonalizedRankingCommand({
            campaignArn: campaign.arn,
            userId: opts.user,
            inputList: opts.items
              .split(',')
              .map((i) => i.trim())
              .filter(Boolean),
            ...filterInput,
          }),
        )
      : await runtime.send(
          new GetRecommendationsCommand({ campaignArn: campaign.arn, userId: opts.user, numResults: num, ...filterInput }),
        );
    const items = answer as {
      itemList?: { itemId?: string; score?: number }[];
      personalizedRanking?: { itemId?: string; score?: number }[];
    };
    const list = (items.itemList ?? items.personalizedRanking ?? []).map((i) => ({
      itemId: i.itemId ?? '?',
      ...(i.score !== undefined ? { score: i.score } : {}),
    }));
    if (opts.json) printJson({ campaign: campaign.name, userId: opts.user, recommendationId: answer.recommendationId, items: list });
    else {
      process.stdout.write(
        `${opts.items ? 'Ranking' : 'Recommendations'} from ${campaign.name} for user ${opts.user}${opts.filter ? ` through filter ${opts.filter}` : ''}:\n`,
      );
      if (list.length === 0) process.stdout.write('  (none)\n');
      list.forEach((item, index) =>
        process.stdout.write(
          `  ${String(index + 1).padStart(3)}. ${item.itemId}${item.score !== undefined ? `  ${item.score.toFixed(4)}` : ''}\n`,
        ),
      );
    }
    setExit(0);
  });
}

interface PutEventsOptions extends TargetOptions {
  readonly datasetGroup: string;
  readonly user: string;
  readonly items: string;
  readonly eventType: string;
  readonly session?: string;
  readonly value?: string;
  readonly json?: boolean;
}

export function registerPutEvents(program: Command, setExit: (code: number) => void): void {
  withTargetOptions(
    program
      .command('put-events')
      .summary("record a user's interactions through the dataset group's event tracker")
      .description('Sends one event per item (PutEvents) through the event tracker of the dataset group, as a website would.')
      .requiredOption('--dataset-group <name>', 'dataset group with an event tracker')
      .requiredOption('--user <id>', 'user id')
      .requiredOption('--items <ids>', 'comma-separated item ids the user interacted with')
      .option('--event-type <type>', 'EVENT_TYPE of the interactions', 'click')
      .option('--value <number>', 'EVENT_VALUE of the interactions')
      .option('--session <id>', 'session id (default: one per call)')
      .option('--json', 'print what was sent as JSON'),
  ).action(async (opts: PutEventsOptions) => {
    const items = opts.items
      .split(',')
      .map((i) => i.trim())
      .filter(Boolean);
    if (items.length === 0 || items.length > 10)
      throw new UsageError(`--items takes 1 to 10 item ids (one PutEvents call), got ${items.length}`);
    const value = opts.value === undefined ? undefined : Number(opts.value);
    if (value !== undefined && !Number.isFinite(value)) throw new UsageError(`--value must be a number, got ${JSON.stringify(opts.value)}`);
    const target = await resolveTarget(targetOptionsOf(opts));
    const [{ findDatasetGroup, listEventTrackers }, { DescribeEventTrackerCommand }, { PutEventsCommand }] = await Promise.all([
      import('../personalize/lookup'),
      import('@aws-sdk/client-personalize'),
      import('@aws-sdk/client-personalize-events'),
    ]);
    const group = await findDatasetGroup(target, opts.datasetGroup);
    const [tracker] = await listEventTrackers(target.clients.personalize, group.arn);
    if (!tracker) throw new CliError(`dataset group ${group.name} has no event tracker (add "eventTracker" to its parameter file)`);
    const { eventTracker } = await target.clients.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: tracker.arn }));
    if (!eventTracker?.trackingId)
      throw new CliError(`event tracker ${tracker.name} has no tracking id yet (status ${eventTracker?.status ?? '?'})`);
    const sessionId = opts.session ?? `recops-cli-${Date.now()}`;
    const now = Date.now();
    const eventList = items.map((itemId, index) => ({
      eventType: opts.eventType,
      itemId,
      sentAt: new Date(now + index),
      ...(value !== undefined ? { eventValue: value } : {}),
    }));
    await target.clients.personalizeEvents.send(
      new PutEventsCommand({ trackingId: eventTracker.trackingId, userId: opts.user, sessionId, eventList }),
    );
    if (opts.json) printJson({ trackingId: eventTracker.trackingId, userId: opts.user, sessionId, items, eventType: opts.eventType });
    else
      process.stdout.write(
        `Recorded ${items.length} ${opts.eventType} event${items.length === 1 ? '' : 's'} for user ${opts.user} through ${tracker.name}.\n`,
      );
    setExit(0);
  });
}
