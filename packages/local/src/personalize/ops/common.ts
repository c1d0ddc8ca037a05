/**
 * Building blocks shared by the operation modules: starting a create chain, starting a delete,
 * and listing newest first.
 */
import type { ResourceKind } from '../arns';
import { type ServiceContext, requireDeletable, summarize } from '../context';
import { type Json, optionalArn } from '../input';
import { CREATE_CHAIN, type ChainSpec, Status } from '../lifecycle';
import { paginate } from '../pagination';
import type { Resource } from '../store';

type Operation = (ctx: ServiceContext, input: Json) => Promise<Json> | Json;
export type Operations = Readonly<Record<string, Operation>>;

/** Inserts a resource in CREATE PENDING and drives it to ACTIVE, running `work` while IN_PROGRESS. */
export function startCreate(
  ctx: ServiceContext,
  init: {
    kind: ResourceKind;
    arn: string;
    name: string;
    fields: Record<string, unknown>;
    tags?: Record<string, string>;
    hidden?: Record<string, unknown>;
  },
  options: CreateOptions = {},
): Resource {
  const resource = ctx.store.insert({ ...init, status: Status.createPending });
  resumeCreate(ctx, resource.arn, options);
  return resource;
}

export type CreateOptions = Pick<ChainSpec, 'work' | 'interrupted' | 'onDone'>;

/** Continues a create chain from wherever the resource stands (used at startup, too). */
export function resumeCreate(ctx: ServiceContext, arn: string, options: CreateOptions = {}): void {
  ctx.lifecycle.chain(arn, { states: CREATE_CHAIN, ...options });
}

export const DELETE_CHAIN = [Status.deletePending, Status.deleteInProgress] as const;

/** Puts a resource into its first delete state and removes it once the states have been shown. */
export function startDelete(
  ctx: ServiceContext,
  resource: Resource,
  finalize: (resource: Resource) => Promise<void> | void,
  states: readonly string[] = DELETE_CHAIN,
): void {
  requireDeletable(resource);
  ctx.store.update(resource.arn, (target) => {
    target.status = states[0];
    delete target.failureReason;
  });
  ctx.lifecycle.delete(resource.arn, { states, finalize });
}

/** One page of a List* answer, newest first, each entry narrowed to the summary's members. */
export function listPage(
  ctx: ServiceContext,
  input: Json,
  options: { kind: ResourceKind; key: string; members: readonly string[]; where?: (resource: Resource) => boolean; scope: string },
): Json {
  const resources = ctx.store.list(options.kind, options.where).reverse();
  const { page, nextToken } = paginate(resources, input, options.scope);
  const out: Json = { [options.key]: page.map((resource) => summarize(resource, options.members)) };
  if (nextToken !== undefined) out['nextToken'] = nextToken;
  return out;
}

/** Removal of a resource that has nothing else attached. */
export function removeOnly(ctx: ServiceContext) {
  return (resource: Resource): void => ctx.store.remove([resource.arn]);
}

export const TIMES = ['creationDateTime', 'lastUpdatedDateTime'] as const;

/** A List* filter on a parent ARN member (e.g. datasetGroupArn), and the pagination scope it implies. */
export function byParent(input: Json, member: string, operation: string): { where?: (resource: Resource) => boolean; scope: string } {
  const parent = optionalArn(input, member);
  if (parent === undefined) return { scope: operation };
  return { where: (resource) => resource.fields[member] === parent, scope: `${operation}:${parent}` };
}
