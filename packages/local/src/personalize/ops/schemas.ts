/** Schema: Create / Describe / List / Delete. Schemas have no status and are immutable. */
import { ResourceKind, resourceArn } from '../arns';
import { describe, ensureAbsent, findResource, requireBelow, type ServiceContext } from '../context';
import { ResourceInUseError } from '../errors';
import { optionalEnum, requireArn, requireName, requireString, type Json } from '../input';
import { parseSchema } from '../schema';
import { listPage, type Operations, TIMES } from './common';

function createSchema(ctx: ServiceContext, input: Json): Json {
  const name = requireName(input);
  const schema = requireString(input, 'schema');
  const domain = optionalEnum(input, 'domain', ['ECOMMERCE', 'VIDEO_ON_DEMAND'] as const);
  parseSchema(schema);
  const arn = resourceArn(ResourceKind.schema, name);
  ensureAbsent(ctx, ResourceKind.schema, arn);
  requireBelow(
    ctx.store.list(ResourceKind.schema).length,
    ctx.quotas.schemas,
    `Cannot create a schema. More than ${ctx.quotas.schemas} schemas exist.`,
  );
  ctx.store.insert({ kind: ResourceKind.schema, arn, name, fields: domain === undefined ? { schema } : { schema, domain } });
  return { schemaArn: arn };
}

function deleteSchema(ctx: ServiceContext, input: Json): Json {
  const schema = findResource(ctx, ResourceKind.schema, requireArn(input, 'schemaArn'));
  const user = ctx.store.list(ResourceKind.dataset, (dataset) => dataset.fields['schemaArn'] === schema.arn)[0];
  if (user !== undefined) throw new ResourceInUseError(`Schema ${schema.arn} is used by dataset ${user.arn}.`);
  ctx.store.remove([schema.arn]);
  return {};
}

export const schemaOperations: Operations = {
  CreateSchema: createSchema,
  DescribeSchema: (ctx, input) => ({ schema: describe(findResource(ctx, ResourceKind.schema, requireArn(input, 'schemaArn'))) }),
  ListSchemas: (ctx, input) =>
    listPage(ctx, input, {
      kind: ResourceKind.schema,
      key: 'schemas',
      members: ['name', 'schemaArn', ...TIMES, 'domain'],
      scope: 'ListSchemas',
    }),
  DeleteSchema: deleteSchema,
};
