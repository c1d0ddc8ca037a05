import { z } from 'zod';
import { checkAvroSchema, AVRO_PRIMITIVE_TYPES } from '../avro';
import { MAX_NAME_LENGTH, NAME_PATTERN, nameProblem } from '../names';
import type { DatasetType } from '../plan/types';
import { findRecipe, RECIPE_ARN_PREFIX } from '../recipes';
import { scheduleExpressionProblem } from '../schedule';

/**
 * The parameter file, in both formats recops accepts:
 * - the "maintaining personalized experiences" (MPE) format: root `datasets` object keyed by dataset
 *   type, `workflowConfig` schedules, `solutions[].serviceConfig.solutionVersion`;
 * - the CDK pipeline format: `datasetGroup.datasets[]` with explicit import jobs, `createNew*` flags,
 *   `solutions[].solutionVersion.serviceConfig`, `preprocessing`.
 * Every object is strict: an unknown key is an error at its path. Rules that need more than one
 * value (a schema against its dataset type, a batch job against its recipe) are refinements on the
 * smallest object that holds the values, so each is checked even when other parts of the file fail.
 *
 * Descriptions feed the README's parameter reference (`scripts/write-reference.ts`).
 */

export const MAX_TAGS = 50;

/** The only recipe Content Generator adds themes to (Personalize guide, "Batch recommendations with themes"). */
const THEME_RECIPE = 'aws-similar-items';

const resourceName = (what: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `name ${problem}` });
    })
    .describe(`Name of the ${what}: \`${NAME_PATTERN.source}\`, at most ${MAX_NAME_LENGTH} characters.`);

const scheduleExpression = (what: string) =>
  z
    .string()
    .superRefine((value, ctx) => {
      const problem = scheduleExpressionProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `invalid schedule "${value}": ${problem}` });
    })
    .describe(`EventBridge schedule for ${what}: \`cron(min hour day-of-month month day-of-week year)\` or \`rate(n unit)\`.`);

const arn = (what: string) =>
  z
    .string()
    .regex(/^arn:[a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]*:[0-9A-Za-z<>_-]*:.+$/, `${what} must be an ARN`)
    .max(256)
    .describe(`ARN of the ${what}.`);

const s3Uri = (what: string) =>
  z
    .string()
    .regex(/^s3:\/\/[^/]+(\/.*)?$/, `${what} must be an s3://bucket/key URI`)
    .describe(`${what} (\`s3://bucket/key\`).`);

const maxAge = z
  .union([z.string(), z.number()])
  .describe('Accepted for compatibility with the MPE format; recops does not act on it (validation warns).');

/** recops extension, on the dataset group (every solution) and on each solution. */
const promotionGate = z
  .strictObject({
    metric: z
      .string()
      .regex(
        /^[a-z][a-z0-9_]*$/,
        'metric must be a metric name as GetSolutionMetrics reports it, e.g. normalized_discounted_cumulative_gain_at_10',
      )
      .optional()
      .describe('Metric compared (default `normalized_discounted_cumulative_gain_at_10`).'),
    margin: z
      .number()
      .optional()
      .describe('Required improvement over the live version (default 0; may be negative to tolerate a small loss).'),
    off: z.boolean().optional().describe('Promote every trained version without comparing (default false).'),
  })
  .optional()
  .describe(
    "recops extension: the promotion gate. A new version is promoted (deployed to the campaigns, used by batch jobs) only if `metric` is at least the live version's plus `margin`; a first version is always promoted.",
  );

const TagSchema = z
  .strictObject({
    tagKey: z.string().min(1).max(128).describe('Tag key, 1-128 characters.'),
    tagValue: z.string().max(256).describe('Tag value, at most 256 characters.'),
  })
  .describe('A tag.');

const TagsSchema = z
  .array(TagSchema)
  .superRefine((tags, ctx) => {
    if (tags.length > MAX_TAGS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_TAGS} tags per resource (has ${tags.length})` });
    }
    const seen = new Map<string, number>();
    tags.forEach((tag, index) => {
      const first = seen.get(tag.tagKey);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'tagKey'],
          message: `duplicate tag key "${tag.tagKey}" (also at index ${first}); tag keys must be unique`,
        });
      } else {
        seen.set(tag.tagKey, index);
      }
    });
  })
  .describe(`Tags of this resource (at most ${MAX_TAGS}, unique keys). A resource without tags of its own gets the root \`tags\`.`);

const recipeArn = (what: 'solution' | 'recommender') =>
  z
    .string()
    .superRefine((value, ctx) => {
      const recipe = findRecipe(value);
      if (!recipe) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown recipe "${value}": expected ${RECIPE_ARN_PREFIX}<name> with a recipe Personalize offers`,
        });
      } else if (what === 'solution' && !recipe.forSolutions) {
        ctx.addIssue({ code: 'custom', message: `recipe "${value}" is a domain recipe: use it in recommenders[], not solutions[]` });
      } else if (what === 'recommender' && recipe.forSolutions) {
        ctx.addIssue({ code: 'custom', message: `recipe "${value}" is not a domain recipe: use it in solutions[], not recommenders[]` });
      }
    })
    .describe(
      `Recipe ARN (\`${RECIPE_ARN_PREFIX}…\`), one Personalize offers for ${what === 'solution' ? 'custom solutions' : 'domain recommenders'}.`,
    );

// ---------------------------------------------------------------------------------------------
// Avro schemas

const AvroFieldSchema = z
  .strictObject({
    name: z.string().min(1).describe('Field name (a CSV column).'),
    type: z
      .union([z.enum(AVRO_PRIMITIVE_TYPES), z.array(z.enum(AVRO_PRIMITIVE_TYPES)).min(2)])
      .describe('Avro primitive type, or a union such as `["null","string"]` for a nullable field.'),
    categorical: z.boolean().optional().describe('String metadata used as categories (`|` separates values).'),
    textual: z.boolean().optional().describe('Unstructured text (Items only, one field).'),
    itemName: z.boolean().optional().describe('The item name field (Items only).'),
    doc: z.string().optional().describe('Avro documentation string.'),
    default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().describe('Avro default value.'),
  })
  .describe('A flat Avro field.');

const AvroRecordSchemaSchema = z
  .strictObject({
    type: z.literal('record').describe('Always `record`.'),
    name: z.string().min(1).describe('Record name, e.g. `Interactions`.'),
    namespace: z.string().optional().describe('Usually `com.amazonaws.personalize.schema`.'),
    doc: z.string().optional().describe('Avro documentation string.'),
    fields: z.array(AvroFieldSchema).min(1).describe('The fields, in CSV column order.'),
    version: z.string().optional().describe('Schema version, e.g. `1.0`.'),
  })
  .describe('Avro record schema whose required fields and types match the dataset type.');

const schemaServiceConfig = (datasetType: DatasetType | undefined) =>
  z
    .strictObject({
      name: resourceName('schema'),
      schema: AvroRecordSchemaSchema,
      domain: z.enum(['ECOMMERCE', 'VIDEO_ON_DEMAND']).optional().describe('Domain of a domain dataset group schema.'),
    })
    .superRefine((config, ctx) => {
      if (datasetType) addAvroIssues(config.schema, datasetType, ctx, ['schema']);
    })
    .describe('CreateSchema parameters.');

function addAvroIssues(
  schema: z.infer<typeof AvroRecordSchemaSchema>,
  datasetType: DatasetType,
  ctx: z.RefinementCtx,
  prefix: (string | number)[],
): void {
  for (const issue of checkAvroSchema(schema, datasetType).errors) {
    ctx.addIssue({ code: 'custom', path: [...prefix, ...pathSegments(issue.path)], message: issue.message });
  }
}

/** `fields[2].type` → ['fields', 2, 'type']. */
function pathSegments(path: string): (string | number)[] {
  if (path === '') return [];
  return path.split(/\.|(?=\[)/).map((segment) => (segment.startsWith('[') ? Number(segment.slice(1, -1)) : segment));
}

// ---------------------------------------------------------------------------------------------
// Dataset group and datasets, MPE format

const DatasetServiceConfigSchema = z
  .strictObject({ name: resourceName('dataset'), tags: TagsSchema.optional() })
  .describe('CreateDataset parameters.');

const mpeDatasetEntry = (datasetType: DatasetType) =>
  z
    .strictObject({
      dataset: z.strictObject({ serviceConfig: DatasetServiceConfigSchema }).describe('The dataset.'),
      schema: z.strictObject({ serviceConfig: schemaServiceConfig(datasetType) }).describe('Its schema.'),
    })
    .describe(
      `The ${datasetType} dataset and its schema. Data: \`${datasetType.toLowerCase()}.csv\` or a folder \`${datasetType.toLowerCase()}/\` of CSV parts beside the parameter file.`,
    );

const MpeDatasetsSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        importMode: z.enum(['FULL', 'INCREMENTAL']).optional().describe('Import mode of every import job (default FULL).'),
        tags: TagsSchema.optional().describe('Tags of the dataset import jobs (not of the datasets).'),
      })
      .optional()
      .describe('Settings of the import jobs.'),
    users: mpeDatasetEntry('USERS').optional(),
    items: mpeDatasetEntry('ITEMS').optional(),
    interactions: mpeDatasetEntry('INTERACTIONS').optional(),
    actions: mpeDatasetEntry('ACTIONS').optional(),
    actionInteractions: mpeDatasetEntry('ACTION_INTERACTIONS').optional(),
  })
  .describe('MPE format: the datasets, keyed by type.');

// ---------------------------------------------------------------------------------------------
// Datasets, CDK format

const CdkDatasetSchema = z
  .strictObject({
    type: z.enum(['USERS', 'ITEMS', 'INTERACTIONS', 'ACTIONS', 'ACTION_INTERACTIONS']).describe('Dataset type.'),
    schema: z
      .strictObject({
        serviceConfig: schemaServiceConfig(undefined),
        schemaVersion: z
          .string()
          .regex(/^[a-zA-Z0-9\-_]+$/, 'schemaVersion must match ^[a-zA-Z0-9\\-_]+$')
          .optional()
          .describe('Version suffix: the schema is created as `<datasetGroup>-<name>-<schemaVersion>`.'),
      })
      .describe('The schema.'),
    dataset: z.strictObject({ serviceConfig: DatasetServiceConfigSchema }).describe('The dataset.'),
    datasetImportJob: z
      .strictObject({
        serviceConfig: z
          .strictObject({
            jobName: resourceName('import job (a per-run stamp is appended)'),
            dataSource: z.strictObject({ dataLocation: s3Uri('CSV file or folder to import') }).describe('Where the data is.'),
            roleArn: arn('IAM role Personalize assumes to read the data').optional(),
            importMode: z.enum(['FULL', 'INCREMENTAL']).optional().describe('Import mode (default FULL).'),
            tags: TagsSchema.optional(),
          })
          .describe('CreateDatasetImportJob parameters.'),
        createNewJob: z.boolean().optional().describe('Import on each run (default true).'),
      })
      .optional()
      .describe('The import job.'),
  })
  .superRefine((entry, ctx) => {
    addAvroIssues(entry.schema.serviceConfig.schema, entry.type, ctx, ['schema', 'serviceConfig', 'schema']);
  })
  .describe('CDK format: one dataset with its schema and import job.');

const DatasetGroupSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        name: resourceName('dataset group'),
        domain: z.enum(['ECOMMERCE', 'VIDEO_ON_DEMAND']).optional().describe('Domain of a domain dataset group.'),
        kmsKeyArn: arn('KMS key encrypting the dataset group').optional(),
        roleArn: arn('IAM role that may use the KMS key').optional(),
        tags: TagsSchema.optional(),
      })
      .describe('CreateDatasetGroup parameters.'),
    workflowConfig: z
      .strictObject({
        schedules: z
          .strictObject({ import: scheduleExpression('re-importing every dataset').optional() })
          .optional()
          .describe('Schedules of the dataset group.'),
        maxAge: maxAge.optional(),
        promotionGate,
      })
      .optional()
      .describe('Schedules (MPE format) and the promotion gate (recops extension, both formats).'),
    datasets: z.array(CdkDatasetSchema).optional().describe('CDK format: the datasets.'),
  })
  .describe('The dataset group.');

// ---------------------------------------------------------------------------------------------
// Solutions and what hangs off them

const SolutionVersionConfigSchema = z
  .strictObject({
    name: resourceName('solution version (a per-run stamp is appended)').optional(),
    trainingMode: z.enum(['FULL', 'UPDATE', 'AUTOTRAIN']).optional().describe('Training mode (default FULL).'),
    tags: TagsSchema.optional(),
  })
  .describe('CreateSolutionVersion parameters.');

const SolutionConfigSchema = z
  .strictObject({
    eventValueThreshold: z.string().optional().describe('Only interactions with EVENT_VALUE at or above this train the model.'),
    hpoConfig: z.record(z.string(), z.unknown()).optional().describe('HPO settings, as CreateSolution takes them.'),
    algorithmHyperParameters: z.record(z.string(), z.string()).optional().describe('Hyperparameters, values as strings.'),
    featureTransformationParameters: z.record(z.string(), z.string()).optional().describe('Feature transformation parameters.'),
    autoMLConfig: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Deprecated with performAutoML: accepted and dropped with a warning.'),
    eventsConfig: z.record(z.string(), z.unknown()).optional().describe('Event weights, as CreateSolution takes them.'),
    optimizationObjective: z
      .strictObject({
        itemAttribute: z.string().optional().describe('Items field to optimize for.'),
        objectiveSensitivity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'OFF']).optional().describe('How strongly.'),
      })
      .optional()
      .describe('Optimization objective.'),
    trainingDataConfig: z
      .strictObject({
        excludedDatasetColumns: z.record(z.string(), z.array(z.string())).optional().describe('Columns to leave out, per dataset type.'),
        includedDatasetColumns: z.record(z.string(), z.array(z.string())).optional().describe('Columns to use, per dataset type.'),
      })
      .optional()
      .describe('Columns used in training.'),
    autoTrainingConfig: z
      .strictObject({
        schedulingExpression: z
          .string()
          .regex(/^rate\(([1-9]|[12][0-9]|30) days?\)$/, 'schedulingExpression must be rate(N days) with N from 1 to 30')
          .optional()
          .describe('Personalize automatic training period, `rate(N days)`, N 1-30.'),
      })
      .optional()
      .describe('Automatic training (Personalize-side, not an EventBridge schedule).'),
  })
  .describe('SolutionConfig, as CreateSolution takes it.');

const batchWorkflowConfig = (what: string) =>
  z
    .strictObject({ schedule: scheduleExpression(what).optional(), maxAge: maxAge.optional() })
    .optional()
    .describe('Schedule of the job.');

const batchIo = {
  jobInput: z
    .strictObject({
      s3DataSource: z
        .strictObject({ path: s3Uri('JSON Lines input file or prefix'), kmsKeyArn: arn('KMS key').optional() })
        .describe('Input location.'),
    })
    .optional()
    .describe('Input; default `s3://<bucket>/batch/<datasetGroup>/<solution>/job_config.json`.'),
  jobOutput: z
    .strictObject({
      s3DataDestination: z
        .strictObject({ path: s3Uri('Output prefix'), kmsKeyArn: arn('KMS key').optional() })
        .describe('Output location.'),
    })
    .optional()
    .describe('Output; default `s3://<bucket>/batch/<datasetGroup>/<solution>/<solution>_<YYYY_MM_DD_HH_MM_SS>/`.'),
};

const batchCommon = {
  jobName: resourceName('batch job (a per-run stamp is appended)').optional(),
  ...batchIo,
  roleArn: arn('IAM role Personalize assumes for the job').optional(),
  numResults: z.number().int().min(1).max(500).optional().describe('Results per input line (default 25).'),
  filterArn: z
    .string()
    .superRefine((value, ctx) => {
      if (value.startsWith('arn:')) {
        if (!/^arn:[a-z0-9-]+:personalize:[a-z0-9-]*:[0-9]*:filter\/.+$/.test(value) || value.length > 256)
          ctx.addIssue({
            code: 'custom',
            message: 'filterArn must be a filter ARN (arn:…:personalize:…:filter/NAME) or the name of a filter of this file',
          });
        return;
      }
      const problem = nameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `filterArn names a filter, whose name ${problem}` });
    })
    .optional()
    .describe("Filter applied to the results: its ARN, or the name of a filter in this file's `filters` (recops looks up its ARN)."),
  tags: TagsSchema.optional(),
};

const BatchInferenceJobSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        ...batchCommon,
        batchInferenceJobConfig: z.record(z.string(), z.unknown()).optional().describe('BatchInferenceJobConfig.'),
        batchInferenceJobMode: z
          .enum(['BATCH_INFERENCE', 'THEME_GENERATION'])
          .optional()
          .describe(
            `Job mode (default BATCH_INFERENCE). THEME_GENERATION (Content Generator themes) needs the ${THEME_RECIPE} recipe and \`themeGenerationConfig\`.`,
          ),
        themeGenerationConfig: z
          .strictObject({
            fieldsForThemeGeneration: z
              .strictObject({ itemName: z.string().min(1).describe('The Items column holding each item name.') })
              .describe('Fields the themes are generated from.'),
          })
          .optional()
          .describe('ThemeGenerationConfig, for batchInferenceJobMode THEME_GENERATION only.'),
      })
      .describe('CreateBatchInferenceJob parameters; every member has a default.'),
    workflowConfig: batchWorkflowConfig('this batch inference job'),
    createBatchInferenceJob: z.boolean().optional().describe('CDK format: run the job (default true).'),
  })
  .superRefine((job, ctx) => {
    const { batchInferenceJobMode: mode, themeGenerationConfig } = job.serviceConfig;
    if (mode === 'THEME_GENERATION' && themeGenerationConfig === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceConfig', 'themeGenerationConfig'],
        message:
          'batchInferenceJobMode THEME_GENERATION needs themeGenerationConfig.fieldsForThemeGeneration.itemName (the Items column of item names)',
      });
    }
    if (mode !== 'THEME_GENERATION' && themeGenerationConfig !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['serviceConfig', 'themeGenerationConfig'],
        message: 'themeGenerationConfig is used only with batchInferenceJobMode THEME_GENERATION: set that mode or remove it',
      });
    }
  })
  .describe('A batch inference job.');

const BatchSegmentJobSchema = z
  .strictObject({
    serviceConfig: z.strictObject(batchCommon).describe('CreateBatchSegmentJob parameters; every member has a default.'),
    workflowConfig: batchWorkflowConfig('this batch segment job'),
    createBatchSegmentJob: z.boolean().optional().describe('CDK format: run the job (default true).'),
  })
  .describe('A batch segment job.');

const CampaignSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        name: resourceName('campaign'),
        minProvisionedTPS: z.number().int().min(1).optional().describe('Provisioned transactions per second (default 1).'),
        campaignConfig: z
          .strictObject({
            itemExplorationConfig: z.record(z.string(), z.string()).optional().describe('Exploration settings.'),
            enableMetadataWithRecommendations: z.boolean().optional().describe('Return item metadata.'),
            syncWithLatestSolutionVersion: z.boolean().optional().describe('Follow the latest version automatically.'),
            rankingInfluence: z.record(z.string(), z.number()).optional().describe('Ranking influence weights.'),
          })
          .optional()
          .describe('CampaignConfig.'),
        tags: TagsSchema.optional(),
      })
      .describe('CreateCampaign parameters.'),
    createCampaign: z.boolean().optional().describe('CDK format: create or update the campaign (default true).'),
    solutionversion: z
      .string()
      .regex(
        /^$|^arn:[a-z0-9-]+:personalize:[a-z0-9-]*:[0-9]*:solution\/.+\/.+$/,
        'solutionversion must be empty or a solution version ARN',
      )
      .optional()
      .describe('CDK format: a solution version ARN to deploy; empty means the version this run trains.'),
  })
  .describe('A campaign.');

const SolutionSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        name: resourceName('solution'),
        recipeArn: recipeArn('solution').optional(),
        performHPO: z.boolean().optional().describe('Hyperparameter optimization.'),
        performAutoML: z.boolean().optional().describe('Deprecated: accepted and dropped with a warning.'),
        performAutoTraining: z.boolean().optional().describe('Personalize automatic training (Personalize defaults it to true).'),
        performIncrementalUpdate: z.boolean().optional().describe('Incremental updates (aws-semantic-similarity).'),
        eventType: z.string().optional().describe('Train only on interactions of this event type.'),
        solutionConfig: SolutionConfigSchema.optional(),
        solutionVersion: SolutionVersionConfigSchema.optional().describe('MPE format: the solution version each run trains.'),
        tags: TagsSchema.optional(),
      })
      .describe('CreateSolution parameters.'),
    solutionVersion: z
      .strictObject({
        createNewSolutionVersion: z.boolean().optional().describe('Train a version on each run (default true).'),
        serviceConfig: SolutionVersionConfigSchema.optional(),
      })
      .optional()
      .describe('CDK format: the solution version each run trains.'),
    workflowConfig: z
      .strictObject({
        schedules: z
          .strictObject({
            full: scheduleExpression('FULL retraining').optional(),
            update: scheduleExpression('UPDATE training (User-Personalization, HRNN-Coldstart)').optional(),
          })
          .optional()
          .describe('Training schedules.'),
        maxAge: maxAge.optional(),
        promotionGate,
      })
      .optional()
      .describe('Schedules (MPE format) and the promotion gate (recops extension, both formats).'),
    campaigns: z.array(CampaignSchema).optional().describe('Campaigns serving this solution.'),
    batchInferenceJobs: z.array(BatchInferenceJobSchema).optional().describe('Batch inference jobs on this solution.'),
    batchSegmentJobs: z.array(BatchSegmentJobSchema).optional().describe('Batch segment jobs on this solution.'),
  })
  .superRefine((solution, ctx) => {
    const recipe = solution.serviceConfig.recipeArn ? findRecipe(solution.serviceConfig.recipeArn) : undefined;
    if (solution.serviceConfig.solutionVersion && solution.solutionVersion?.serviceConfig) {
      ctx.addIssue({
        code: 'custom',
        path: ['solutionVersion'],
        message: 'solution version given twice: use serviceConfig.solutionVersion (MPE) or solutionVersion.serviceConfig (CDK), not both',
      });
    }
    if (!recipe) return;
    const wantsUpdate =
      solution.workflowConfig?.schedules?.update !== undefined ||
      (solution.serviceConfig.solutionVersion ?? solution.solutionVersion?.serviceConfig)?.trainingMode === 'UPDATE';
    if (wantsUpdate && !recipe.updateTraining) {
      const path =
        solution.workflowConfig?.schedules?.update !== undefined
          ? ['workflowConfig', 'schedules', 'update']
          : solution.serviceConfig.solutionVersion
            ? ['serviceConfig', 'solutionVersion', 'trainingMode']
            : ['solutionVersion', 'serviceConfig', 'trainingMode'];
      ctx.addIssue({
        code: 'custom',
        path,
        message: `recipe ${recipe.name} does not support trainingMode UPDATE (only aws-user-personalization and aws-hrnn-coldstart do): use FULL`,
      });
    }
    (solution.batchInferenceJobs ?? []).forEach((job, index) => {
      if (!recipe.batchInference) {
        ctx.addIssue({
          code: 'custom',
          path: ['batchInferenceJobs', index],
          message: `recipe ${recipe.name} (${recipe.type}) does not support batch inference jobs${recipe.batchSegment ? ': use batchSegmentJobs' : ''}`,
        });
      } else if (job.serviceConfig.batchInferenceJobMode === 'THEME_GENERATION' && recipe.name !== THEME_RECIPE) {
        ctx.addIssue({
          code: 'custom',
          path: ['batchInferenceJobs', index, 'serviceConfig', 'batchInferenceJobMode'],
          message: `batch recommendations with themes need the ${THEME_RECIPE} recipe; this solution uses ${recipe.name}`,
        });
      }
    });
    (solution.batchSegmentJobs ?? []).forEach((_job, index) => {
      if (!recipe.batchSegment) {
        ctx.addIssue({
          code: 'custom',
          path: ['batchSegmentJobs', index],
          message: `recipe ${recipe.name} (${recipe.type}) does not support batch segment jobs (only aws-item-affinity and aws-item-attribute-affinity do)`,
        });
      }
    });
    (solution.campaigns ?? []).forEach((_campaign, index) => {
      if (recipe.type === 'USER_SEGMENTATION') {
        ctx.addIssue({
          code: 'custom',
          path: ['campaigns', index],
          message: `recipe ${recipe.name} (${recipe.type}) cannot be deployed to a campaign: use batchSegmentJobs`,
        });
      }
    });
  })
  .describe('A solution, the version each run trains, and what serves it.');

const FilterSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        name: resourceName('filter'),
        filterExpression: z.string().min(1).max(2500).describe('Filter expression, 1-2,500 characters.'),
        tags: TagsSchema.optional(),
      })
      .describe('CreateFilter parameters.'),
  })
  .describe('A filter.');

const EventTrackerSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({ name: resourceName('event tracker'), tags: TagsSchema.optional() })
      .describe('CreateEventTracker parameters.'),
  })
  .describe('The event tracker (one per dataset group; needs an Interactions dataset).');

const RecommenderSchema = z
  .strictObject({
    serviceConfig: z
      .strictObject({
        name: resourceName('recommender'),
        recipeArn: recipeArn('recommender'),
        recommenderConfig: z.record(z.string(), z.unknown()).optional().describe('RecommenderConfig, as CreateRecommender takes it.'),
        tags: TagsSchema.optional(),
      })
      .describe('CreateRecommender parameters.'),
    createRecommender: z.boolean().optional().describe('CDK format: create the recommender (default true).'),
  })
  .describe('A recommender (domain dataset groups).');

const PreprocessingSchema = z
  .strictObject({
    jobName: z.string().min(1).describe('Name of the preprocessing job.'),
    run: z.boolean().describe('Whether to run it.'),
  })
  .describe('CDK format: a preprocessing job, passed through to the plan (recops runs none itself: `run: true` warns).');

const ParameterFileObjectSchema = z.strictObject({
  tags: TagsSchema.optional().describe(
    'Tags for every resource that has none of its own (import jobs first fall back to `datasets.serviceConfig.tags`).',
  ),
  datasetGroup: DatasetGroupSchema,
  datasets: MpeDatasetsSchema.optional(),
  eventTracker: EventTrackerSchema.optional(),
  filters: z.array(FilterSchema).optional().describe('Filters.'),
  solutions: z.array(SolutionSchema).optional().describe('Solutions.'),
  recommenders: z.array(RecommenderSchema).optional().describe('Recommenders.'),
  preprocessing: PreprocessingSchema.optional(),
});

export type ParameterFile = z.infer<typeof ParameterFileObjectSchema>;

export const ParameterFileSchema = ParameterFileObjectSchema.superRefine((file, ctx) => checkWholeFile(file, ctx)).describe(
  'A recops parameter file.',
);
export type Solution = z.infer<typeof SolutionSchema>;
export type CdkDataset = z.infer<typeof CdkDatasetSchema>;
export type MpeDatasets = z.infer<typeof MpeDatasetsSchema>;
export type BatchInferenceJob = z.infer<typeof BatchInferenceJobSchema>;
export type BatchSegmentJob = z.infer<typeof BatchSegmentJobSchema>;
export type AvroRecordSchema = z.infer<typeof AvroRecordSchemaSchema>;
export type TagInput = z.infer<typeof TagSchema>;

/** MPE `datasets` keys and the dataset type each holds. */
export const MPE_DATASET_KEYS = {
  users: 'USERS',
  items: 'ITEMS',
  interactions: 'INTERACTIONS',
  actions: 'ACTIONS',
  actionInteractions: 'ACTION_INTERACTIONS',
} as const satisfies Record<string, DatasetType>;

/** Rules across sections: duplicates and what the datasets must include. */
function checkWholeFile(file: ParameterFile, ctx: z.RefinementCtx): void {
  const typesAt = new Map<DatasetType, (string | number)[]>();
  for (const [key, type] of Object.entries(MPE_DATASET_KEYS)) {
    if (file.datasets?.[key as keyof typeof MPE_DATASET_KEYS]) typesAt.set(type, ['datasets', key]);
  }
  (file.datasetGroup.datasets ?? []).forEach((entry, index) => {
    const path = ['datasetGroup', 'datasets', index, 'type'];
    const earlier = typesAt.get(entry.type);
    if (earlier) {
      ctx.addIssue({ code: 'custom', path, message: `${entry.type} dataset declared twice (also at ${formatPath(earlier)})` });
    } else {
      typesAt.set(entry.type, path);
    }
  });
  // A file without datasets adds to the group's existing datasets (a warning, see softWarnings); one
  // that declares datasets declares the INTERACTIONS one with them.
  if (typesAt.size > 0 && !typesAt.has('INTERACTIONS')) {
    const path = file.datasetGroup.datasets ? ['datasetGroup', 'datasets'] : ['datasets', 'interactions'];
    ctx.addIssue({
      code: 'custom',
      path,
      message: 'an INTERACTIONS dataset is required (solutions, event trackers and the other datasets build on it)',
    });
  }
  if (typesAt.has('ACTION_INTERACTIONS') && !typesAt.has('ACTIONS')) {
    ctx.addIssue({
      code: 'custom',
      path: typesAt.get('ACTION_INTERACTIONS') ?? [],
      message: 'an ACTION_INTERACTIONS dataset needs an ACTIONS dataset',
    });
  }

  const domain = file.datasetGroup.serviceConfig.domain;
  (file.recommenders ?? []).forEach((recommender, index) => {
    const recipe = findRecipe(recommender.serviceConfig.recipeArn);
    if (domain && recipe?.domain && recipe.domain !== domain) {
      ctx.addIssue({
        code: 'custom',
        path: ['recommenders', index, 'serviceConfig', 'recipeArn'],
        message: `recipe ${recipe.name} is a ${recipe.domain} recipe but the dataset group's domain is ${domain}`,
      });
    }
  });

  uniqueNames(
    ctx,
    'solution',
    (file.solutions ?? []).map((s, i) => [s.serviceConfig.name, ['solutions', i, 'serviceConfig', 'name']]),
  );
  uniqueNames(
    ctx,
    'filter',
    (file.filters ?? []).map((f, i) => [f.serviceConfig.name, ['filters', i, 'serviceConfig', 'name']]),
  );
  uniqueNames(
    ctx,
    'recommender',
    (file.recommenders ?? []).map((r, i) => [r.serviceConfig.name, ['recommenders', i, 'serviceConfig', 'name']]),
  );
  uniqueNames(
    ctx,
    'campaign',
    (file.solutions ?? []).flatMap((s, i) =>
      (s.campaigns ?? []).map((c, j): [string, (string | number)[]] => [
        c.serviceConfig.name,
        ['solutions', i, 'campaigns', j, 'serviceConfig', 'name'],
      ]),
    ),
  );
  const filterNames = new Set((file.filters ?? []).map((f) => f.serviceConfig.name));
  (file.solutions ?? []).forEach((solution, i) => {
    for (const member of ['batchInferenceJobs', 'batchSegmentJobs'] as const) {
      (solution[member] ?? []).forEach((job, j) => {
        const filter = job.serviceConfig.filterArn;
        if (filter === undefined || filter.startsWith('arn:') || filterNames.has(filter)) return;
        ctx.addIssue({
          code: 'custom',
          path: ['solutions', i, member, j, 'serviceConfig', 'filterArn'],
          message: `"${filter}" is neither a filter ARN nor the name of a filter in this file's filters`,
        });
      });
    }
  });
  checkThemeFields(file, typesAt.size > 0, ctx);
  const datasetNames: [string, (string | number)[]][] = [];
  const schemaNames: [string, (string | number)[]][] = [];
  for (const [key] of Object.entries(MPE_DATASET_KEYS)) {
    const entry = file.datasets?.[key as keyof typeof MPE_DATASET_KEYS];
    if (!entry) continue;
    datasetNames.push([entry.dataset.serviceConfig.name, ['datasets', key, 'dataset', 'serviceConfig', 'name']]);
    schemaNames.push([entry.schema.serviceConfig.name, ['datasets', key, 'schema', 'serviceConfig', 'name']]);
  }
  (file.datasetGroup.datasets ?? []).forEach((entry, index) => {
    datasetNames.push([entry.dataset.serviceConfig.name, ['datasetGroup', 'datasets', index, 'dataset', 'serviceConfig', 'name']]);
    const finalName = cdkSchemaName(file.datasetGroup.serviceConfig.name, entry);
    const path = ['datasetGroup', 'datasets', index, 'schema', 'serviceConfig', 'name'];
    schemaNames.push([finalName, path]);
    const problem = nameProblem(finalName);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path,
        message: `schema name "${finalName}" (as created: <datasetGroup>-<name>-<schemaVersion>) ${problem}`,
      });
  });
  uniqueNames(ctx, 'dataset', datasetNames);
  uniqueNames(ctx, 'schema', schemaNames);
}

/**
 * Themes are generated from the item names and descriptions in the Items dataset: a file that
 * declares its datasets must declare an Items schema with the named string column and a textual
 * field (a file without datasets uses the group's, which only Personalize can check).
 */
function checkThemeFields(file: ParameterFile, declaresDatasets: boolean, ctx: z.RefinementCtx): void {
  const items =
    file.datasets?.items?.schema.serviceConfig.schema ??
    file.datasetGroup.datasets?.find((entry) => entry.type === 'ITEMS')?.schema.serviceConfig.schema;
  (file.solutions ?? []).forEach((solution, i) => {
    (solution.batchInferenceJobs ?? []).forEach((job, j) => {
      const itemName = job.serviceConfig.themeGenerationConfig?.fieldsForThemeGeneration.itemName;
      if (job.serviceConfig.batchInferenceJobMode !== 'THEME_GENERATION' || itemName === undefined || !declaresDatasets) return;
      const path = [
        'solutions',
        i,
        'batchInferenceJobs',
        j,
        'serviceConfig',
        'themeGenerationConfig',
        'fieldsForThemeGeneration',
        'itemName',
      ];
      if (items === undefined) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'themes are generated from the Items dataset: declare one with the item name column and a textual field',
        });
        return;
      }
      const field = items.fields.find((f) => f.name === itemName);
      const isString = (type: unknown) => type === 'string' || (Array.isArray(type) && type.includes('string'));
      if (field === undefined || !isString(field.type)) {
        ctx.addIssue({ code: 'custom', path, message: `"${itemName}" is not a string field of the Items schema` });
      }
      if (!items.fields.some((f) => f.textual === true)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: 'themes need a textual field (e.g. DESCRIPTION, "textual": true) in the Items schema',
        });
      }
    });
  });
}

/** The CDK pipeline names schemas `<datasetGroup>-<name>-<schemaVersion>` (its schema.py). */
export function cdkSchemaName(datasetGroupName: string, entry: Pick<CdkDataset, 'schema'>): string {
  const version = entry.schema.schemaVersion;
  return version === undefined
    ? `${datasetGroupName}-${entry.schema.serviceConfig.name}`
    : `${datasetGroupName}-${entry.schema.serviceConfig.name}-${version}`;
}

function uniqueNames(ctx: z.RefinementCtx, what: string, names: readonly [string, (string | number)[]][]): void {
  const seen = new Map<string, (string | number)[]>();
  for (const [name, path] of names) {
    const first = seen.get(name);
    if (first) {
      ctx.addIssue({ code: 'custom', path, message: `duplicate ${what} name "${name}" (also at ${formatPath(first)})` });
    } else {
      seen.set(name, path);
    }
  }
}

/** ['solutions', 1, 'serviceConfig', 'name'] → `solutions[1].serviceConfig.name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '$' : out;
}
