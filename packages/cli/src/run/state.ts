/**
 * Runs as the run tracker records them: `runs/<dataset group>/<runId>/state.json` in the stage's
 * bucket (services/run-tracker/state.ts), and runs the door refused before any state existed
 * (`rejected.json`, services/run-start.ts: an invalid upload, missing data, a schedule whose target
 * is gone), read as failed runs at step `intake` with every error. Both are read through the schemas
 * they are written by (`@recops/services/run-records`): a malformed record is a CliError naming the
 * object, the field and the rule it breaks; fields a newer tracker adds are kept.
 */
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DocumentFormatError, readDocument } from '@recops/core/runtime';
import { type RejectedRun, rejectedRunSchema, runStateSchema } from '@recops/services/run-records';
import type { Target } from '../target';
import { CliError } from '../errors';

interface TrackedResource {
  readonly kind: string;
  readonly status: string;
  readonly failureReason?: string;
  readonly requestedAt?: string;
  readonly observedAt?: string;
}

export interface TrackedRun {
  readonly runId: string;
  readonly datasetGroupName: string;
  readonly stage?: string;
  readonly trigger?: string;
  readonly startedAt: string;
  readonly updatedAt?: string;
  readonly config?: { readonly bucket: string; readonly key: string };
  readonly resources: Readonly<Record<string, TrackedResource>>;
  /** The latest Step Retrying of each service, by service name. */
  readonly retries?: Readonly<
    Record<
      string,
      {
        readonly step: string;
        readonly attempt: number;
        readonly maxAttempts: number;
        readonly reason: string;
        readonly nextAttemptAt: string;
      }
    >
  >;
  /** Messages of the run its services dead-lettered, by their first messageId. */
  readonly deadLetters?: Readonly<Record<string, { readonly service?: string; readonly reason?: string; readonly recoveredAt?: string }>>;
  readonly outcome?: {
    readonly kind: 'completed' | 'failed';
    readonly decidedAt: string;
    readonly step?: string;
    readonly reason?: string;
    readonly resourceArn?: string;
    /** Every error of a refused parameter file, at its path. */
    readonly errors?: readonly { readonly path: string; readonly message: string }[];
    /** A completion after a redrive: when the run had failed, and why. */
    readonly afterFailure?: { readonly decidedAt: string; readonly reason?: string };
  };
}

const STATE_KEY = /^runs\/([^/]+)\/([^/]+)\/(state|rejected)\.json$/;

function rejectedAsRun(rejected: RejectedRun): TrackedRun {
  return {
    runId: rejected.runId,
    datasetGroupName: rejected.datasetGroupName,
    ...(rejected.stage !== undefined && { stage: rejected.stage }),
    ...(rejected.trigger !== undefined && { trigger: rejected.trigger }),
    startedAt: rejected.startedAt ?? rejected.failedAt,
    ...(rejected.config !== undefined && { config: rejected.config }),
    resources: {},
    outcome: {
      kind: 'failed',
      decidedAt: rejected.failedAt,
      step: 'intake',
      reason: rejected.reason,
      errors: rejected.errors ?? [],
    },
  };
}

/** Every run's state key in the bucket, newest run first (run ids start with their UTC stamp). */
export async function listRunKeys(
  target: Target,
  datasetGroupName?: string,
): Promise<{ key: string; runId: string; datasetGroupName: string }[]> {
  const found: { key: string; runId: string; datasetGroupName: string }[] = [];
  let token: string | undefined;
  do {
    const page = await target.clients.s3.send(
      new ListObjectsV2Command({
        Bucket: target.bucketName,
        Prefix: datasetGroupName ? `runs/${datasetGroupName}/` : 'runs/',
        ContinuationToken: token,
      }),
    );
    for (const object of page.Contents ?? []) {
      const match = STATE_KEY.exec(object.Key ?? '');
      if (match) found.push({ key: object.Key as string, datasetGroupName: match[1] as string, runId: match[2] as string });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  // One entry per run: the tracker's state when there is one.
  const byRun = new Map<string, (typeof found)[number]>();
  for (const entry of found) {
    const id = `${entry.datasetGroupName}/${entry.runId}`;
    if (!byRun.has(id) || entry.key.endsWith('/state.json')) byRun.set(id, entry);
  }
  return [...byRun.values()].sort((a, b) => b.runId.localeCompare(a.runId));
}

/** A run record that does not match its schema (or is not JSON): the object, each failing field and its rule. */
export class MalformedRunRecordError extends CliError {
  override readonly name: string = 'MalformedRunRecordError';
}

/** Reads one run record, a refused run's as a failed run at step `intake`. */
export async function readRun(target: Target, key: string): Promise<TrackedRun> {
  try {
    if (key.endsWith('/rejected.json')) {
      const rejected = await readDocument(target.clients.s3, target.bucketName, key, rejectedRunSchema);
      if (rejected) return rejectedAsRun(rejected.value);
    } else {
      const state = await readDocument(target.clients.s3, target.bucketName, key, runStateSchema);
      if (state) return state.value;
    }
  } catch (error) {
    // "s3://<bucket>/<key> is not a valid document: <field>: <rule>; …"
    if (error instanceof DocumentFormatError) {
      throw new MalformedRunRecordError(`run record ${(error as Error).message}`);
    }
    throw error;
  }
  throw new CliError(`run record s3://${target.bucketName}/${key} is gone (deleted while it was read)`);
}

/** One run's state by id (any dataset group); a CliError naming the stage when there is none. */
export async function findRun(target: Target, runId: string): Promise<TrackedRun> {
  const key = (await listRunKeys(target)).find((k) => k.runId === runId);
  if (!key) throw new CliError(`no run ${runId} on ${target.description} (stage ${target.stage}); "recops status" lists the runs`);
  return readRun(target, key.key);
}

/** The newest run, for commands whose RUN_ID is optional. */
export async function newestRun(target: Target): Promise<TrackedRun> {
  const [key] = await listRunKeys(target);
  if (!key) throw new CliError(`no run on ${target.description} (stage ${target.stage}) yet; start one with "recops run <file>"`);
  return readRun(target, key.key);
}

export function durationMs(run: TrackedRun, now = Date.now()): number {
  const end = run.outcome ? Date.parse(run.outcome.decidedAt) : now;
  return end - Date.parse(run.startedAt);
}
