/**
 * The plan's schema: what `resolvePlan` produces, checked wherever a plan is read back (from S3, in
 * another service). Objects are strict, so a field added to `types.ts` but not here fails the
 * round-trip test instead of being dropped on read; the type checks at the end keep the two in step.
 */
import { z } from 'zod';
import { DATASET_TYPES, SCHEDULE_KINDS, type Plan } from './types';

const sourcePath = z.string();
const tags = z.array(z.strictObject({ tagKey: z.string(), tagValue: z.string() }));
const record = z.record(z.string(), z.unknown());
const domain = z.enum(['ECOMMERCE', 'VIDEO_ON_DEMAND']);

const datasetGroupPlan = z.strictObject({
  sourcePath,
  name: z.string().min(1),
  domain: domain.optional(),
  kmsKeyArn: z.string().optional(),
  roleArn: z.string().optional(),
  tags,
});

const schemaPlan = z.strictObject({ sourcePath, name: z.string().min(1), schema: z.string().min(1), domain: domain.optional() });

const datasetImportJobPlan = z.strictObject({
  sourcePath,
  jobNameBase: z.string().min(1),
  jobName: z.string().min(1),
  dataLocation: z.strictObject({ uri: z.string().min(1), kind: z.enum(['file', 'folder']), present: z.boolean().optional() }),
  importMode: z.enum(['FULL', 'INCREMENTAL']),
  roleArn: z.string().optional(),
  tags,
});

const datasetPlan = z.strictObject({
  sourcePath,
  type: z.enum(DATASET_TYPES),
  name: z.string().min(1),
  tags,
  schema: schemaPlan,
  importJob: datasetImportJobPlan.optional(),
});

const named = { sourcePath, name: z.string().min(1), tags } as const;

const batchJobBase = {
  sourcePath,
  jobNameBase: z.string().min(1),
  jobName: z.string().min(1),
  inputPath: z.string().min(1),
  outputPathBase: z.string().min(1),
  outputPerRun: z.boolean(),
  outputFolderStem: z.string().min(1),
  outputPath: z.string().min(1),
  inputKmsKeyArn: z.string().optional(),
  outputKmsKeyArn: z.string().optional(),
  roleArn: z.string().optional(),
  numResults: z.number().optional(),
  filterArn: z.string().optional(),
  tags,
  schedule: z.string().optional(),
} as const;

const batchInferenceJobPlan = z.strictObject({
  ...batchJobBase,
  batchInferenceJobConfig: record.optional(),
  batchInferenceJobMode: z.enum(['BATCH_INFERENCE', 'THEME_GENERATION']).optional(),
  themeGenerationConfig: record.optional(),
});

const solutionPlan = z.strictObject({
  ...named,
  recipeArn: z.string().optional(),
  performHPO: z.boolean().optional(),
  performAutoTraining: z.boolean().optional(),
  performIncrementalUpdate: z.boolean().optional(),
  eventType: z.string().optional(),
  solutionConfig: record.optional(),
  version: z
    .strictObject({
      sourcePath,
      nameBase: z.string().min(1),
      name: z.string().min(1),
      trainingMode: z.enum(['FULL', 'UPDATE', 'AUTOTRAIN']),
      tags,
    })
    .optional(),
  campaigns: z.array(
    z.strictObject({
      ...named,
      minProvisionedTPS: z.number(),
      campaignConfig: record.optional(),
      solutionVersionArn: z.string().optional(),
    }),
  ),
  batchInferenceJobs: z.array(batchInferenceJobPlan),
  batchSegmentJobs: z.array(z.strictObject(batchJobBase)),
  promotionGate: z.strictObject({ sourcePath, metric: z.string().min(1), margin: z.number(), enabled: z.boolean() }).optional(),
});

const schedulePlan = z.strictObject({
  sourcePath,
  name: z.string().min(1),
  kind: z.enum(SCHEDULE_KINDS),
  expression: z.string().min(1),
  target: z.strictObject({
    datasetGroupName: z.string().min(1),
    solutionName: z.string().optional(),
    jobIndex: z.number().int().min(0).optional(),
    jobNameBase: z.string().optional(),
  }),
  maxAge: z.union([z.string(), z.number()]).optional(),
});

export const planSchema = z.strictObject({
  format: z.enum(['mpe', 'cdk']),
  bucket: z.string().min(1),
  configKey: z.string().min(1),
  configDir: z.string(),
  runStamp: z.string().optional(),
  datasetGroup: datasetGroupPlan,
  datasets: z.array(datasetPlan),
  eventTracker: z.strictObject(named).optional(),
  filters: z.array(z.strictObject({ ...named, filterExpression: z.string().min(1) })),
  solutions: z.array(solutionPlan),
  recommenders: z.array(z.strictObject({ ...named, recipeArn: z.string().min(1), recommenderConfig: record.optional() })),
  schedules: z.array(schedulePlan),
  preprocessing: z.strictObject({ jobName: z.string(), run: z.boolean() }).optional(),
});

/** A plan as read back: the schema's output is a `Plan`, and every `Plan` key is in the schema. */
type SchemaPlan = z.output<typeof planSchema>;
type Covers<A, B> = Exclude<keyof A, keyof B> extends never ? true : never;
const outputIsPlan: Plan = {} as SchemaPlan;
const coversPlan: Covers<Plan, SchemaPlan> = true;
void outputIsPlan;
void coversPlan;
