/** Reading policies and names out of a recording, shared by the infra tests. */
import type { Recording, RecordedResource } from './stand-in/stand-in';

/**
 * The Personalize resource types recops creates whose ARN carries their name, written out here (not
 * imported from the platform package) so the tests check the policy against an independent list.
 */
export const NAMED_PERSONALIZE_TYPES = [
  'dataset-group',
  'dataset',
  'schema',
  'dataset-import-job',
  'solution',
  'campaign',
  'filter',
  'recommender',
  'batch-inference-job',
  'batch-segment-job',
] as const;

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface OwnedStatement {
  /** Logical name of the role (or bucket/queue policy) holding it. */
  readonly owner: string;
  readonly statement: Statement;
}

const list = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
export const actionsOf = (s: Statement): string[] => list(s.Action);
export const resourcesOf = (s: Statement): string[] => list(s.Resource);

function statementsOf(policy: unknown): Statement[] {
  return (JSON.parse(policy as string) as { Statement: Statement[] }).Statement;
}

/** Statements of every IAM role's inline policies (function roles and raw roles alike). */
export function roleStatements(recording: Recording): OwnedStatement[] {
  return recording
    .ofType('aws:iam/role:Role')
    .flatMap((role) =>
      ((role.inputs.inlinePolicies ?? []) as { policy: string }[]).flatMap((p) =>
        statementsOf(p.policy).map((statement) => ({ owner: role.name, statement })),
      ),
    );
}

/** Statements of resource policies (bucket and queue policies). */
export function resourcePolicyStatements(recording: Recording): OwnedStatement[] {
  return [...recording.ofType('aws:s3/bucketPolicy:BucketPolicy'), ...recording.ofType('aws:sqs/queuePolicy:QueuePolicy')].flatMap((r) =>
    statementsOf(r.inputs.policy).map((statement) => ({ owner: r.name, statement })),
  );
}

export function only(recording: Recording, type: string): RecordedResource {
  const found = recording.ofType(type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as RecordedResource;
}

/** Every physical name a deploy would create (explicit names and SST's generated ones). */
export function physicalNames(recording: Recording): { resource: string; name: string }[] {
  const names: { resource: string; name: string }[] = [];
  for (const r of recording.resources) {
    if (r.type.startsWith('sst:')) continue;
    // A schema's name lives inside its registry, which carries the stage (`<source>@<DetailType>` like AWS's own).
    if (r.type === 'aws:schemas/schema:Schema') continue;
    for (const key of ['name', 'bucket', 'policyName'] as const) {
      const value = r.inputs[key];
      if (
        typeof value === 'string' &&
        !(r.type === 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration' && key === 'bucket')
      ) {
        if (key === 'bucket' && r.type !== 'aws:s3/bucket:Bucket') continue;
        names.push({ resource: r.name, name: value });
      }
    }
  }
  return names;
}
