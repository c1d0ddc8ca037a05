import type { Tag } from '@aws-sdk/client-personalize';
import { isAlreadyExists, toOpsError } from './classify';
import { PermanentOpsError, ResourceFailedError, ResourceNotReadyError, RetryableOpsError } from './errors';

/** Tags as a plain map, or already as Personalize's `{tagKey, tagValue}` list (as plans carry them). */
type TagMap = Readonly<Record<string, string>> | readonly { readonly tagKey: string; readonly tagValue: string }[];

/** What every `ensure…` returns. */
interface EnsureResult {
  readonly arn: string;
  /** True when this call created the resource; false when it already existed and is reused. */
  readonly created: boolean;
  /** Status at the time of the call, when Personalize reported one (a fresh create is CREATE PENDING). */
  readonly status?: string;
  readonly failureReason?: string;
}

const STATUS_CREATE_PENDING = 'CREATE PENDING';
const STATUS_ACTIVE = 'ACTIVE';

function toTagList(tags: TagMap | undefined): Tag[] | undefined {
  if (tags === undefined) return undefined;
  const list = Array.isArray(tags)
    ? tags.map(({ tagKey, tagValue }) => ({ tagKey, tagValue }))
    : Object.entries(tags).map(([tagKey, tagValue]) => ({ tagKey, tagValue }));
  return list.length > 0 ? list : undefined;
}

/** True for every terminal failure status (`CREATE FAILED`, `DELETE FAILED`, `FAILED`, `CREATE STOPPED`). */
function isFailedStatus(status: string | undefined): boolean {
  return status !== undefined && (status.endsWith('FAILED') || status === 'CREATE STOPPED');
}

/**
 * Throws unless the resource is ACTIVE: a failed resource is a permanent error carrying
 * Personalize's reason, anything else (pending, in progress, updating) is retryable.
 */
function requireActive(arn: string, status: string | undefined, failureReason?: string): void {
  if (status === STATUS_ACTIVE) return;
  if (isFailedStatus(status)) throw new ResourceFailedError(arn, status ?? 'UNKNOWN', failureReason);
  throw new ResourceNotReadyError(arn, status ?? 'UNKNOWN');
}

/**
 * The idempotent create: look the resource up by its identity; reuse it if found; otherwise create
 * it; if the create races another caller (`ResourceAlreadyExistsException`) look it up again.
 */
async function findOrCreate<Found>(options: {
  readonly attempted: string;
  readonly find: () => Promise<Found | undefined>;
  readonly reuse: (found: Found) => Promise<EnsureResult> | EnsureResult;
  readonly create: () => Promise<EnsureResult>;
  /**
   * Personalize names some resources account-wide: the dataset group ARN of a same-named resource
   * outside this one, if any. Such a name will never become ours, so it is a permanent error.
   */
  readonly findInOtherGroup?: () => Promise<string | undefined>;
}): Promise<EnsureResult> {
  const existing = await call(options.attempted, options.find);
  if (existing !== undefined) return options.reuse(existing);
  try {
    return await options.create();
  } catch (error) {
    if (!isAlreadyExists(error)) throw toOpsError(error, options.attempted);
    const raced = await call(options.attempted, options.find);
    // Listing is eventually consistent: if the winner is not visible yet, the next delivery finds it.
    if (raced === undefined) {
      const otherGroup = options.findInOtherGroup ? await call(options.attempted, options.findInOtherGroup) : undefined;
      if (otherGroup !== undefined) {
        throw new PermanentOpsError(
          `${options.attempted}: the name is already used in the dataset group ${otherGroup}; Personalize names are account-wide, so choose another name`,
          { cause: error },
        );
      }
      throw new RetryableOpsError(`${options.attempted}: already exists but is not listed yet`, { cause: error });
    }
    return options.reuse(raced);
  }
}

/** An ARN Personalize must have returned; a missing one means a broken response, not a retry. */
function requireArn(arn: string | undefined, attempted: string): string {
  if (arn === undefined || arn === '') throw new PermanentOpsError(`${attempted}: response carries no ARN`);
  return arn;
}

/** Runs a Personalize call, wrapping any failure with what was attempted. */
async function call<T>(attempted: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toOpsError(error, attempted);
  }
}

/** Walks a paginated list until `match` finds an entry. */
async function findInPages<Item>(pages: AsyncIterable<object>, key: string, match: (item: Item) => boolean): Promise<Item | undefined> {
  for await (const page of pages) {
    const items = ((page as Record<string, unknown>)[key] ?? []) as readonly Item[];
    const found = items.find(match);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Collects every entry of a paginated list. */
async function collectPages<Item>(pages: AsyncIterable<object>, key: string): Promise<Item[]> {
  const all: Item[] = [];
  for await (const page of pages) all.push(...(((page as Record<string, unknown>)[key] ?? []) as readonly Item[]));
  return all;
}

export {
  STATUS_ACTIVE,
  STATUS_CREATE_PENDING,
  call,
  collectPages,
  findInPages,
  findOrCreate,
  isFailedStatus,
  requireActive,
  requireArn,
  toTagList,
};
export type { EnsureResult, TagMap };
