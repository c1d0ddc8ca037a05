/** TagResource / UntagResource / ListTagsForResource, for every resource the store holds. */
import type { ServiceContext } from '../context';
import { clip, InvalidInputError, ResourceNotFoundError, TooManyTagKeysError, TooManyTagsError } from '../errors';
import { MAX_TAGS, readTags, requireArn, type Json } from '../input';
import type { Resource } from '../store';
import type { Operations } from './common';

function taggable(ctx: ServiceContext, input: Json): Resource {
  const arn = requireArn(input, 'resourceArn');
  const resource = ctx.store.get(arn);
  if (resource === undefined) throw new ResourceNotFoundError(`Resource ${clip(arn)} does not exist.`);
  return resource;
}

function tagResource(ctx: ServiceContext, input: Json): Json {
  const resource = taggable(ctx, input);
  if (!Array.isArray(input['tags']))
    throw new InvalidInputError("1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must not be null");
  const tags = readTags(input);
  const merged = { ...resource.tags, ...tags };
  if (Object.keys(merged).length > MAX_TAGS) {
    throw new TooManyTagsError(`Resource ${resource.arn} would have ${Object.keys(merged).length} tags; at most ${MAX_TAGS} are allowed.`);
  }
  ctx.store.update(
    resource.arn,
    (target) => {
      target.tags = merged;
    },
    { touch: false },
  );
  return {};
}

function untagResource(ctx: ServiceContext, input: Json): Json {
  const resource = taggable(ctx, input);
  const keys = input['tagKeys'];
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key !== 'string')) {
    throw new InvalidInputError(
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must be a non-empty list of strings",
    );
  }
  if (keys.length > MAX_TAGS)
    throw new TooManyTagKeysError(`The request has ${keys.length} tag keys; at most ${MAX_TAGS} tag keys per resource.`);
  ctx.store.update(
    resource.arn,
    (target) => {
      const remaining = { ...target.tags };
      for (const key of keys as string[]) delete remaining[key];
      target.tags = remaining;
    },
    { touch: false },
  );
  return {};
}

export const tagOperations: Operations = {
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: (ctx, input) => ({
    tags: Object.entries(taggable(ctx, input).tags).map(([tagKey, tagValue]) => ({ tagKey, tagValue })),
  }),
};
