import {
  CreateSolutionVersionCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
  type SolutionVersion,
  type SolutionVersionSummary,
  StopSolutionVersionCreationCommand,
  type TrainingMode,
  paginateListSolutionVersions,
} from '@aws-sdk/client-personalize';
import { isAlreadyExists, toOpsError } from './classify';
import { RetryableOpsError } from './errors';
import { call, collectPages, requireActive, requireArn, STATUS_CREATE_PENDING, toTagList } from './shared';
import type { EnsureResult, TagMap } from './shared';

interface SolutionVersionSpec {
  readonly solutionArn: string;
  /**
   * Deterministic per run and solution (e.g. from the runId): the version's identity. A second
   * create with the name on the solution is answered ResourceAlreadyExists (taken as reuse); recops
   * also looks the name up and claims the create first, so one version is made even where the name
   * is not enforced.
   */
  readonly name: string;
  readonly trainingMode?: TrainingMode | string;
  readonly tags?: TagMap;
  /**
   * Only versions created at or after this instant can belong to the run (its start time). Keeps
   * the look-up to a handful of Describe calls on solutions with a long history.
   */
  readonly createdAfter?: Date;
  /**
   * Asked right before CreateSolutionVersion: true when this caller may create the version (e.g.
   * `claimOnce` on the run's claim for it). Without a claim, two callers that both miss the
   * version by name each create one, and stopping the younger comes too late when training is
   * fast: Personalize keeps both. A caller that loses the claim creates nothing.
   */
  readonly claim?: () => Promise<boolean>;
  /** Gives the claim up when the create fails before it is made, so a retry need not wait it out. */
  readonly release?: () => Promise<void>;
}

/** Creation times are compared with this slack: clocks of recops and Personalize differ a little. */
const CLOCK_SLACK_MS = 5 * 60 * 1000;

/**
 * Names of the versions already described in one `ensureSolutionVersion`, by ARN: a version's name
 * never changes, so each later look-up describes only the versions it has not seen and those that
 * carry the name (for their current status). Keeps the two or three look-ups of one call from
 * describing a long history each time.
 */
type KnownNames = Map<string, string | undefined>;

async function findNamedVersions(client: PersonalizeClient, spec: SolutionVersionSpec, known: KnownNames): Promise<SolutionVersion[]> {
  const summaries = await call(`ListSolutionVersions ${spec.solutionArn}`, () =>
    collectPages<SolutionVersionSummary>(paginateListSolutionVersions({ client }, { solutionArn: spec.solutionArn }), 'solutionVersions'),
  );
  const since = spec.createdAfter === undefined ? undefined : spec.createdAfter.getTime() - CLOCK_SLACK_MS;
  const candidates = summaries.filter(
    (s) => since === undefined || s.creationDateTime === undefined || s.creationDateTime.getTime() >= since,
  );
  const described = await Promise.all(
    candidates.map(async (summary) => {
      const solutionVersionArn = requireArn(summary.solutionVersionArn, 'ListSolutionVersions');
      if (known.has(solutionVersionArn) && known.get(solutionVersionArn) !== spec.name) return undefined;
      const response = await call(`DescribeSolutionVersion ${solutionVersionArn}`, () =>
        client.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
      );
      known.set(solutionVersionArn, response.solutionVersion?.name);
      return response.solutionVersion;
    }),
  );
  return described.filter((v): v is SolutionVersion => v !== undefined && v.name === spec.name);
}

/** Oldest first, then by ARN: every caller picks the same winner among duplicates. */
function byAge(a: SolutionVersion, b: SolutionVersion): number {
  const at = a.creationDateTime?.getTime() ?? 0;
  const bt = b.creationDateTime?.getTime() ?? 0;
  if (at !== bt) return at - bt;
  return (a.solutionVersionArn ?? '') < (b.solutionVersionArn ?? '') ? -1 : 1;
}

function asResult(version: SolutionVersion, created: boolean): EnsureResult {
  return {
    arn: requireArn(version.solutionVersionArn, 'DescribeSolutionVersion'),
    created,
    ...(version.status !== undefined && { status: version.status }),
    ...(version.failureReason !== undefined && { failureReason: version.failureReason }),
  };
}

/**
 * One solution version per run and solution. A repeated or reordered event finds the version by
 * its name and reuses it. Deliveries racing each other are serialised by `spec.claim`: only its
 * holder creates. Without a claim (or if one is lost), the second look-up keeps the oldest and
 * tries to stop the others; that is a best effort, since a version may finish before it stops.
 */
async function ensureSolutionVersion(client: PersonalizeClient, spec: SolutionVersionSpec): Promise<EnsureResult> {
  const known: KnownNames = new Map();
  const existing = (await findNamedVersions(client, spec, known)).sort(byAge);
  if (existing[0] !== undefined) return asResult(existing[0], false);

  const { solution } = await call(`DescribeSolution ${spec.solutionArn}`, () =>
    client.send(new DescribeSolutionCommand({ solutionArn: spec.solutionArn })),
  );
  requireActive(spec.solutionArn, solution?.status);

  if (spec.claim !== undefined) {
    const claimed = await spec.claim();
    // Whoever holds the claim, the version may exist now: created by the holder, or by an earlier
    // holder that stopped after creating it (its claim lapsed and this caller took it over).
    const listed = await findNamedVersions(client, spec, known).then(
      (versions) => versions.sort(byAge)[0],
      async (error: unknown) => {
        if (claimed) await spec.release?.().catch(() => undefined);
        throw error;
      },
    );
    if (listed !== undefined) return asResult(listed, false);
    if (!claimed) throw new RetryableOpsError(`solution version "${spec.name}" is being created by another delivery and is not listed yet`);
  }

  let ours: string;
  try {
    const response = await client.send(
      new CreateSolutionVersionCommand({
        solutionArn: spec.solutionArn,
        name: spec.name,
        trainingMode: spec.trainingMode as TrainingMode | undefined,
        tags: toTagList(spec.tags),
      }),
    );
    ours = requireArn(response.solutionVersionArn, 'CreateSolutionVersion');
  } catch (error) {
    if (!isAlreadyExists(error)) {
      // Best effort: a failed release leaves the claim to lapse at its deadline.
      await spec.release?.().catch(() => undefined);
      throw toOpsError(error, `CreateSolutionVersion ${spec.name}`);
    }
    // The name is taken on this solution: another caller created it first. Reuse it once listed.
    const theirs = (await findNamedVersions(client, spec, known)).sort(byAge)[0];
    if (theirs !== undefined) return asResult(theirs, false);
    throw new RetryableOpsError(`solution version "${spec.name}" already exists but is not listed yet; retrying`, { cause: error });
  }

  const named = (await findNamedVersions(client, spec, known)).sort(byAge);
  const winner = named[0];
  if (winner === undefined || winner.solutionVersionArn === ours) {
    return { arn: ours, created: true, status: STATUS_CREATE_PENDING };
  }
  if (named.some((v) => v.solutionVersionArn === ours)) {
    await call(`StopSolutionVersionCreation ${ours}`, () =>
      client.send(new StopSolutionVersionCreationCommand({ solutionVersionArn: ours })),
    ).catch(() => undefined); // Already past the point of stopping: it trains; the run still uses the winner.
  }
  return asResult(winner, false);
}

export { ensureSolutionVersion };
export type { SolutionVersionSpec };
