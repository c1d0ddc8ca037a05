import { z } from 'zod';
import { requiredFieldsOf } from './avro';
import { MAX_NAME_LENGTH, NAME_PATTERN } from './names';
import { ParameterFileSchema, MAX_TAGS } from './parameter-file/schema';
import { DATASET_TYPES } from './plan/types';
import { RECIPES } from './recipes';

/**
 * The parameter-file reference in README.md, rendered from the zod schema and the rule tables so
 * it cannot drift from what `validateParameterFile` accepts. `scripts/write-reference.ts` writes it
 * between the markers below; a test fails when the README is stale.
 */

export const REFERENCE_START = '<!-- parameter-reference:start -->';
export const REFERENCE_END = '<!-- parameter-reference:end -->';

interface JsonSchemaNode {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
  anyOf?: JsonSchemaNode[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  additionalProperties?: boolean | JsonSchemaNode;
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly description: string;
}

/** The Markdown that goes between the README markers (markers excluded). */
export function renderParameterReference(): string {
  const root = z.toJSONSchema(ParameterFileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode;
  const rows: Row[] = [];
  collectRows(root, '', rows, new Map());
  const lines = [
    '',
    '_Generated from the schema in `packages/core` by `npm run docs:params`; do not edit by hand._',
    '',
    'A parameter file is JSON. recops accepts both published formats: the "maintaining personalized',
    'experiences" format (root `datasets` object, `workflowConfig` schedules) and the CDK pipeline format',
    '(`datasetGroup.datasets[]` with explicit import jobs, `createNew*` flags, `preprocessing`).',
    '`validateParameterFile` reports every broken rule with its JSON path, e.g. `solutions[1].serviceConfig.name`.',
    '',
    '### Rules',
    '',
    `- Unknown keys are errors. Resource names match \`${NAME_PATTERN.source}\` and have at most ${MAX_NAME_LENGTH} characters; solution, campaign, filter, recommender, dataset and schema names are unique in the file.`,
    `- At most ${MAX_TAGS} tags per resource, with unique keys. A resource without tags of its own gets the root \`tags\`; dataset import jobs first fall back to \`datasets.serviceConfig.tags\`. Nothing inherits from its parent resource (a solution's tags do not reach its versions).`,
    '- Schedules are EventBridge expressions: `cron(minutes hours day-of-month month day-of-week year)`, where exactly one of day-of-month and day-of-week is `?`, or `rate(n minute|minutes|hour|hours|day|days)` (singular for 1).',
    '- `performAutoML` and `solutionConfig.autoMLConfig` are deprecated: accepted, dropped, and reported as warnings.',
    '- A solution whose recipe cannot do it may not have `update` schedules or `trainingMode: UPDATE`, batch inference jobs (segmentation, Trending-Now, Next-Best-Action recipes), batch segment jobs (all but Item-Affinity and Item-Attribute-Affinity) or campaigns (segmentation recipes).',
    '- Files that declare datasets, solutions or an event tracker need an INTERACTIONS dataset; ACTION_INTERACTIONS needs ACTIONS.',
    "- Solutions use custom recipes, recommenders domain recipes of the dataset group's domain (a recommender in a dataset group without a domain is a warning).",
    '- Warnings do not stop a file: deprecated AutoML settings, a solution without `recipeArn`, an Interactions schema without TIMESTAMP, recommenders without a domain.',
    '',
    '### Defaults',
    '',
    '- Data of an MPE-format import: `s3://<bucket>/<folder of the parameter file>/<type>.csv` (`users.csv`, `items.csv`, `interactions.csv`, `actions.csv`, `action_interactions.csv`), or the folder `<type>/` of CSV parts when there is no such file but parts are there.',
    '- Per-run names: import jobs, solution versions and batch jobs are named `<base>_<YYYY_MM_DD_HH_MM_SS>` (the run stamp); a base too long to fit is shortened with a hash.',
    '- Batch jobs without `jobName`: `batch_<solution>` (`batch_<solution>_<n>` for the n-th job, n ≥ 1). Without `jobInput`: `s3://<bucket>/batch/<datasetGroup>/<solution>/job_config.json`. Without `jobOutput`: `s3://<bucket>/batch/<datasetGroup>/<solution>/<solution>_<YYYY_MM_DD_HH_MM_SS>/`.',
    '- CDK-format schemas are created as `<datasetGroup>-<name>-<schemaVersion>`.',
    '',
    '### Schema fields by dataset type',
    '',
    '| Dataset type | Required fields |',
    '|---|---|',
    ...DATASET_TYPES.map(
      (type) =>
        `| ${type} | ${Object.entries(requiredFieldsOf(type))
          .map(([field, fieldType]) => `${field} ${fieldType.replace(/"/g, '`')}`)
          .join(', ')} |`,
    ),
    '',
    'Users, Items and Actions also need at least one further field. A missing TIMESTAMP in an Interactions schema is a warning, not an error, because a published example omits it.',
    '',
    '### Recipes',
    '',
    '| Recipe ARN | Type | Used by |',
    '|---|---|---|',
    ...RECIPES.map((r) => `| \`${r.arn}\` | ${r.type} | ${r.forSolutions ? 'solutions' : `recommenders (${r.domain})`} |`),
    '',
    '### Fields',
    '',
    '| Field | Type | Required | Description |',
    '|---|---|---|---|',
    ...rows.map((row) => `| \`${row.path}\` | ${escapeCell(row.type)} | ${row.required ? 'yes' : ''} | ${escapeCell(row.description)} |`),
    '',
  ];
  return lines.join('\n');
}

/** Replaces the text between the markers of `readme` with a fresh reference. */
export function withParameterReference(readme: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md must contain ${REFERENCE_START} followed by ${REFERENCE_END}`);
  }
  return `${readme.slice(0, start + REFERENCE_START.length)}\n${renderParameterReference()}\n${readme.slice(end)}`;
}

/**
 * Depth-first rows. A shape already listed at another path (tags, the Avro schema, dataset
 * entries) gets one row pointing there instead of repeating its fields.
 */
function collectRows(node: JsonSchemaNode, path: string, rows: Row[], seen: Map<string, string>): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const childPath = path === '' ? key : `${path}.${key}`;
    const required = (node.required ?? []).includes(key);
    const shape = child.type === 'array' && child.items ? child.items : child;
    // The top description may differ (e.g. per dataset type); nested ones must match, so shapes
    // whose fields mean different things (an event tracker's name vs a dataset's) stay separate.
    const fingerprint = shape.properties ? JSON.stringify({ ...shape, description: undefined }) : undefined;
    const earlier = fingerprint ? seen.get(fingerprint) : undefined;
    const description = [child.description ?? shape.description ?? '', earlier ? `Same fields as \`${earlier}\`.` : '']
      .filter((part) => part !== '')
      .join(' ');
    rows.push({ path: childPath, type: typeOf(child), required, description });
    if (earlier || !shape.properties) continue;
    const nestedPath = child.type === 'array' ? `${childPath}[]` : childPath;
    if (fingerprint) seen.set(fingerprint, nestedPath);
    collectRows(shape, nestedPath, rows, seen);
  }
}

function typeOf(node: JsonSchemaNode): string {
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum) return node.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (node.anyOf) return node.anyOf.map(typeOf).join(' or ');
  if (node.type === 'array') return `${node.items ? wrap(typeOf(node.items)) : 'any'}[]`;
  if (node.type === 'object' && !node.properties && node.additionalProperties && node.additionalProperties !== true) {
    return `map of ${typeOf(node.additionalProperties)}`;
  }
  const base = Array.isArray(node.type) ? node.type.join(' or ') : (node.type ?? 'any');
  if (base === 'integer' && (node.minimum !== undefined || node.maximum !== undefined)) {
    const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
    if (max === undefined) return `integer ≥ ${node.minimum}`;
    return node.minimum === undefined ? `integer ≤ ${max}` : `integer ${node.minimum}-${max}`;
  }
  return base;
}

function wrap(type: string): string {
  return / /.test(type) ? `(${type})` : type;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
