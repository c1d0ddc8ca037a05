/**
 * The plan: what a parameter file asks for, with every name final, every tag inherited, every data
 * location and every schedule resolved. Services act on a plan, never on the raw file, so the
 * defaults and inheritance rules live in one place (`resolvePlan`).
 *
 * Names of per-run resources (import jobs, solution versions, batch jobs) are built from a base
 * name and a run stamp (`runScopedName`), so a redelivered event creates nothing new while the next
 * run gets fresh names.
 */

/** A Personalize tag, spelled as the API spells it. */
export interface Tag {
  readonly tagKey: string;
  readonly tagValue: string;
}

export const DATASET_TYPES = ['INTERACTIONS', 'ITEMS', 'USERS', 'ACTIONS', 'ACTION_INTERACTIONS'] as const;
/** Personalize `datasetType`, upper case. */
export type DatasetType = (typeof DATASET_TYPES)[number];

export const PARAMETER_FILE_FORMATS = {
  /** "Maintaining personalized experiences" format: root `datasets` object, `workflowConfig` schedules. */
  MPE: 'mpe',
  /** CDK pipeline format: `datasetGroup.datasets[]` with explicit import jobs and `createNew*` flags. */
  CDK: 'cdk',
} as const;
export type ParameterFileFormat = (typeof PARAMETER_FILE_FORMATS)[keyof typeof PARAMETER_FILE_FORMATS];

export const SCHEDULE_KINDS = ['import', 'full', 'update', 'batch', 'segment'] as const;
/** What a schedule starts: a data import, FULL or UPDATE training, a batch inference or segment job. */
export type ScheduleKind = (typeof SCHEDULE_KINDS)[number];

export type ImportMode = 'FULL' | 'INCREMENTAL';
export type TrainingMode = 'FULL' | 'UPDATE' | 'AUTOTRAIN';

/** Every planned resource says where in the parameter file it came from, for error messages. */
export interface Sourced {
  /** JSON path of the resource's block in the parameter file, e.g. `solutions[2]`. */
  readonly sourcePath: string;
}

export interface DatasetGroupPlan extends Sourced {
  readonly name: string;
  readonly domain?: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
  readonly kmsKeyArn?: string;
  readonly roleArn?: string;
  readonly tags: readonly Tag[];
}

export interface SchemaPlan extends Sourced {
  /** Final schema name (CDK format: `<datasetGroup>-<name>-<schemaVersion>`, as that pipeline names it). */
  readonly name: string;
  /** The Avro schema as CreateSchema wants it: a JSON string. */
  readonly schema: string;
  readonly domain?: 'ECOMMERCE' | 'VIDEO_ON_DEMAND';
}

export interface DataLocation {
  /** `s3://bucket/key` of one CSV file, or `s3://bucket/prefix/` (trailing slash) of a folder of CSV parts. */
  readonly uri: string;
  readonly kind: 'file' | 'folder';
  /** Whether the listed keys showed data there; undefined when no keys were given to the resolver. */
  readonly present?: boolean;
}

export interface DatasetImportJobPlan extends Sourced {
  /** Base of the job name; the per-run name is `runScopedName(jobNameBase, runStamp)`. */
  readonly jobNameBase: string;
  /** Final job name: `runScopedName(jobNameBase, options.runStamp)`, or `jobNameBase` without a run stamp. */
  readonly jobName: string;
  readonly dataLocation: DataLocation;
  readonly importMode: ImportMode;
  /** Explicit role (CDK format); otherwise the deployment's import role. */
  readonly roleArn?: string;
  readonly tags: readonly Tag[];
}

export interface DatasetPlan extends Sourced {
  readonly type: DatasetType;
  readonly name: string;
  readonly tags: readonly Tag[];
  readonly schema: SchemaPlan;
  /** Absent when the file says not to import (CDK `createNewJob: false`). */
  readonly importJob?: DatasetImportJobPlan;
}

export interface EventTrackerPlan extends Sourced {
  readonly name: string;
  readonly tags: readonly Tag[];
}

export interface FilterPlan extends Sourced {
  readonly name: string;
  readonly filterExpression: string;
  readonly tags: readonly Tag[];
}

export interface SolutionVersionPlan extends Sourced {
  /** Base of the version name: the file's `solutionVersion.name`, else the solution name. */
  readonly nameBase: string;
  /** Final version name: `runScopedName(nameBase, options.runStamp)`, or `nameBase` without a run stamp. */
  readonly name: string;
  readonly trainingMode: TrainingMode;
  readonly tags: readonly Tag[];
}

export interface CampaignPlan extends Sourced {
  readonly name: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig?: Readonly<Record<string, unknown>>;
  /** A fixed solution version to deploy (CDK `solutionversion`); otherwise the newly trained one. */
  readonly solutionVersionArn?: string;
  readonly tags: readonly Tag[];
}

interface BatchJobPlanBase extends Sourced {
  /** Base of the job name (file's `jobName`, else `batch_<solution>` with `_<n>` for the n-th job, n ≥ 1). */
  readonly jobNameBase: string;
  /** Final job name: `runScopedName(jobNameBase, options.runStamp)`, or `jobNameBase` without a run stamp. */
  readonly jobName: string;
  /** `s3://…` input: the file's `jobInput.s3DataSource.path`, else `s3://<bucket>/batch/<dsg>/<solution>/job_config.json`. */
  readonly inputPath: string;
  /**
   * Output prefix without the per-run folder: the file's `jobOutput.s3DataDestination.path`, else
   * `s3://<bucket>/batch/<dsg>/<solution>/`. Use `batchOutputPath(job, runStamp)` for a run's folder.
   */
  readonly outputPathBase: string;
  /** Whether outputs of each run go to their own folder `<outputFolderStem>_<runStamp>/` (true for defaulted outputs). */
  readonly outputPerRun: boolean;
  /** Stem of the per-run output folder: the solution name, plus `_<n>` for the n-th job (n ≥ 1). */
  readonly outputFolderStem: string;
  /** Final output path for this plan's run stamp (see `outputPathBase`). */
  readonly outputPath: string;
  /** KMS keys of the input and output (`jobInput.s3DataSource.kmsKeyArn`, `jobOutput.s3DataDestination.kmsKeyArn`). */
  readonly inputKmsKeyArn?: string;
  readonly outputKmsKeyArn?: string;
  readonly roleArn?: string;
  readonly numResults?: number;
  readonly filterArn?: string;
  readonly tags: readonly Tag[];
  /** The job's own schedule (`workflowConfig.schedule`), also listed in `Plan.schedules`. */
  readonly schedule?: string;
}

export interface BatchInferenceJobPlan extends BatchJobPlanBase {
  readonly batchInferenceJobConfig?: Readonly<Record<string, unknown>>;
  readonly batchInferenceJobMode?: 'BATCH_INFERENCE' | 'THEME_GENERATION';
  readonly themeGenerationConfig?: Readonly<Record<string, unknown>>;
}

export type BatchSegmentJobPlan = BatchJobPlanBase;

/** The metric the promotion gate compares unless the file says otherwise. */
export const DEFAULT_PROMOTION_METRIC = 'normalized_discounted_cumulative_gain_at_10';

/**
 * The promotion gate of a solution (recops extension `workflowConfig.promotionGate`): a trained
 * version is promoted when `metric` ≥ the live version's + `margin`; a first version always is.
 */
export interface PromotionGatePlan extends Sourced {
  readonly metric: string;
  readonly margin: number;
  /** False when the file sets `off: true`: every version is promoted. */
  readonly enabled: boolean;
}

export interface SolutionPlan extends Sourced {
  readonly name: string;
  /** Absent only when the file leaves it out (a warning says so; CreateSolution will refuse). */
  readonly recipeArn?: string;
  readonly performHPO?: boolean;
  readonly performAutoTraining?: boolean;
  readonly performIncrementalUpdate?: boolean;
  readonly eventType?: string;
  readonly solutionConfig?: Readonly<Record<string, unknown>>;
  readonly tags: readonly Tag[];
  /** Absent when the file says not to train (CDK `createNewSolutionVersion: false`). */
  readonly version?: SolutionVersionPlan;
  /** Absent in plans stored before the gate existed; read it with defaults (`DEFAULT_PROMOTION_METRIC`, margin 0). */
  readonly promotionGate?: PromotionGatePlan;
  readonly campaigns: readonly CampaignPlan[];
  readonly batchInferenceJobs: readonly BatchInferenceJobPlan[];
  readonly batchSegmentJobs: readonly BatchSegmentJobPlan[];
}

export interface RecommenderPlan extends Sourced {
  readonly name: string;
  readonly recipeArn: string;
  readonly recommenderConfig?: Readonly<Record<string, unknown>>;
  readonly tags: readonly Tag[];
}

/** What a schedule points at, enough to rebuild the work when it fires. */
export interface ScheduleTarget {
  readonly datasetGroupName: string;
  /** For `full`, `update`, `batch`, `segment`. */
  readonly solutionName?: string;
  /** For `batch` and `segment`: index of the job in the solution's batch job list. */
  readonly jobIndex?: number;
  /** For `batch` and `segment`. */
  readonly jobNameBase?: string;
}

export interface SchedulePlan extends Sourced {
  /** Deterministic EventBridge Scheduler name (≤ 64 chars, `[0-9a-zA-Z-_.]`), unique within the plan. */
  readonly name: string;
  readonly kind: ScheduleKind;
  /** `cron(…)` or `rate(…)`, validated. */
  readonly expression: string;
  readonly target: ScheduleTarget;
  /** MPE `workflowConfig.maxAge`, passed through. */
  readonly maxAge?: string | number;
}

export interface PreprocessingPlan {
  readonly jobName: string;
  readonly run: boolean;
}

export interface Plan {
  readonly format: ParameterFileFormat;
  readonly bucket: string;
  /** Key of the parameter file in the bucket, e.g. `train/my-dsg/config.json`. */
  readonly configKey: string;
  /** Folder of the parameter file with a trailing slash (empty at the bucket root), e.g. `train/my-dsg/`. */
  readonly configDir: string;
  /** The run stamp the per-run names were built with, if one was given. */
  readonly runStamp?: string;
  readonly datasetGroup: DatasetGroupPlan;
  readonly datasets: readonly DatasetPlan[];
  readonly eventTracker?: EventTrackerPlan;
  readonly filters: readonly FilterPlan[];
  readonly solutions: readonly SolutionPlan[];
  readonly recommenders: readonly RecommenderPlan[];
  readonly schedules: readonly SchedulePlan[];
  /** CDK `preprocessing` block, passed through (recops runs no preprocessing job itself). */
  readonly preprocessing?: PreprocessingPlan;
}

export interface ResolvePlanOptions {
  /** Data bucket holding the parameter file and the CSVs beside it. */
  readonly bucket: string;
  /** Key of the parameter file in that bucket. */
  readonly configKey: string;
  /**
   * Keys found under the parameter file's folder (a ListObjectsV2 of `configDir`). When given, an
   * import reads the folder `<type>/` of CSV parts if there is no `<type>.csv` but parts exist there.
   */
  readonly keys?: readonly string[];
  /** Stamp for per-run names, `YYYY_MM_DD_HH_MM_SS` (see `runStampOf`). */
  readonly runStamp?: string;
  /** The deployment stage: its Personalize names are `stageScopedName(stage, <file's name>)`. */
  readonly stage: string;
}
