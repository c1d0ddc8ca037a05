import { personalizeNamePrefix } from '@recops/platform';
import { ParameterFileError, PlanOptionsError, type ParameterFileIssue } from '../errors';
import { boundedName, isRunStamp, MAX_NAME_LENGTH, MAX_SCHEDULE_NAME_LENGTH, runScopedName } from '../names';
import {
  cdkSchemaName,
  MPE_DATASET_KEYS,
  type BatchInferenceJob,
  type BatchSegmentJob,
  type ParameterFile,
  type Solution,
} from '../parameter-file/schema';
import type {
  BatchInferenceJobPlan,
  BatchSegmentJobPlan,
  CampaignPlan,
  DataLocation,
  DatasetPlan,
  DatasetType,
  Plan,
  PromotionGatePlan,
  ResolvePlanOptions,
  SchedulePlan,
  SolutionPlan,
  Tag,
} from './types';
import { DEFAULT_PROMOTION_METRIC } from './types';

/**
 * Turns a validated parameter file into a plan (see `./types`). Pure and deterministic: the same
 * file and options always give the same plan.
 *
 * Tags: a resource with tags of its own keeps them; one without gets the root `tags`. Dataset
 * import jobs first fall back to `datasets.serviceConfig.tags`. Nothing inherits from its parent
 * resource: a solution's tags do not reach its versions (the documented outcome for
 * `mpe-root-tags-dataset-group-3.json`). Schemas take no tags (CreateSchema has none).
 *
 * Personalize names are the stage's (`stageScopedName`: `<stage>-<name>` outside production), so
 * every service reads them from the plan. A name the prefix pushes past Personalize's 63 characters
 * is a ParameterFileError naming the field; S3 locations (batch folders) keep the file's names.
 */
export function resolvePlan(file: ParameterFile, options: ResolvePlanOptions): Plan {
  const namePrefix = checkOptions(options);
  const { bucket, configKey, runStamp, stage } = options;
  const configDir = configKey.includes('/') ? configKey.slice(0, configKey.lastIndexOf('/') + 1) : '';
  const rootTags = file.tags ?? [];
  const inherit = (own: readonly Tag[] | undefined, ...fallbacks: (readonly Tag[] | undefined)[]): readonly Tag[] => {
    for (const tags of [own, ...fallbacks]) if (tags && tags.length > 0) return tags;
    return rootTags;
  };
  // Per-run names fit 63 characters however long their base (a hash keeps them apart).
  const perRun = (base: string): string => (runStamp === undefined ? boundedName(base) : runScopedName(base, runStamp));
  const tooLong: ParameterFileIssue[] = [];
  const scoped = (name: string, path: string): string => {
    const full = `${namePrefix}${name}`;
    if (full.length > MAX_NAME_LENGTH) {
      tooLong.push({
        path,
        message: `as stage ${stage}'s Personalize name "${namePrefix}${name.slice(0, 20)}…" it has ${full.length} characters; Personalize allows at most ${MAX_NAME_LENGTH} (shorten it by ${full.length - MAX_NAME_LENGTH})`,
      });
    }
    return full;
  };

  const groupConfig = file.datasetGroup.serviceConfig;
  const fileDsg = groupConfig.name;
  const dsg = scoped(fileDsg, 'datasetGroup.serviceConfig.name');
  const format = file.datasetGroup.datasets !== undefined || file.preprocessing !== undefined || usesCdkSolutions(file) ? 'cdk' : 'mpe';

  const datasets: DatasetPlan[] = [];
  for (const [key, type] of Object.entries(MPE_DATASET_KEYS)) {
    const entry = file.datasets?.[key as keyof typeof MPE_DATASET_KEYS];
    if (!entry) continue;
    const sourcePath = `datasets.${key}`;
    const schemaConfig = entry.schema.serviceConfig;
    const datasetName = scoped(entry.dataset.serviceConfig.name, `${sourcePath}.dataset.serviceConfig.name`);
    datasets.push({
      sourcePath,
      type,
      name: datasetName,
      tags: inherit(entry.dataset.serviceConfig.tags),
      schema: {
        sourcePath: `${sourcePath}.schema`,
        name: scoped(schemaConfig.name, `${sourcePath}.schema.serviceConfig.name`),
        schema: JSON.stringify(schemaConfig.schema),
        ...optional('domain', schemaConfig.domain ?? groupConfig.domain),
      },
      importJob: {
        // The MPE format has no import-job block; its dataset entry is what a user would fix.
        sourcePath,
        jobNameBase: datasetName,
        jobName: perRun(datasetName),
        dataLocation: mpeDataLocation(bucket, configDir, type, options.keys),
        importMode: file.datasets?.serviceConfig?.importMode ?? 'FULL',
        tags: inherit(file.datasets?.serviceConfig?.tags),
      },
    });
  }
  (file.datasetGroup.datasets ?? []).forEach((entry, index) => {
    const sourcePath = `datasetGroup.datasets[${index}]`;
    const schemaConfig = entry.schema.serviceConfig;
    const job = entry.datasetImportJob;
    const plan: DatasetPlan = {
      sourcePath,
      type: entry.type,
      name: scoped(entry.dataset.serviceConfig.name, `${sourcePath}.dataset.serviceConfig.name`),
      tags: inherit(entry.dataset.serviceConfig.tags),
      schema: {
        sourcePath: `${sourcePath}.schema`,
        name: scoped(cdkSchemaName(fileDsg, entry), `${sourcePath}.schema.serviceConfig.name`),
        schema: JSON.stringify(schemaConfig.schema),
        ...optional('domain', schemaConfig.domain ?? groupConfig.domain),
      },
      ...(job && job.createNewJob !== false
        ? {
            importJob: {
              sourcePath: `${sourcePath}.datasetImportJob`,
              jobNameBase: `${namePrefix}${job.serviceConfig.jobName}`,
              jobName: perRun(`${namePrefix}${job.serviceConfig.jobName}`),
              dataLocation: explicitDataLocation(job.serviceConfig.dataSource.dataLocation, bucket, configDir, options.keys),
              importMode: job.serviceConfig.importMode ?? 'FULL',
              ...optional('roleArn', job.serviceConfig.roleArn),
              tags: inherit(job.serviceConfig.tags),
            },
          }
        : {}),
    };
    datasets.push(plan);
  });

  const solutions = (file.solutions ?? []).map((solution, index) =>
    resolveSolution(solution, index, { bucket, fileDsg, namePrefix, scoped, inherit, perRun, runStamp }),
  );
  const eventTracker = file.eventTracker;
  const filters = (file.filters ?? []).map((filter, index) => ({
    sourcePath: `filters[${index}]`,
    name: scoped(filter.serviceConfig.name, `filters[${index}].serviceConfig.name`),
    filterExpression: filter.serviceConfig.filterExpression,
    tags: inherit(filter.serviceConfig.tags),
  }));
  const recommenders = (file.recommenders ?? []).flatMap((recommender, index) =>
    recommender.createRecommender === false
      ? []
      : [
          {
            sourcePath: `recommenders[${index}]`,
            name: scoped(recommender.serviceConfig.name, `recommenders[${index}].serviceConfig.name`),
            recipeArn: recommender.serviceConfig.recipeArn,
            ...optional('recommenderConfig', recommender.serviceConfig.recommenderConfig),
            tags: inherit(recommender.serviceConfig.tags),
          },
        ],
  );
  const eventTrackerName = eventTracker ? scoped(eventTracker.serviceConfig.name, 'eventTracker.serviceConfig.name') : undefined;
  if (tooLong.length > 0) throw new ParameterFileError(tooLong);

  return {
    format,
    bucket,
    configKey,
    configDir,
    ...optional('runStamp', runStamp),
    datasetGroup: {
      sourcePath: 'datasetGroup',
      name: dsg,
      ...optional('domain', groupConfig.domain),
      ...optional('kmsKeyArn', groupConfig.kmsKeyArn),
      ...optional('roleArn', groupConfig.roleArn),
      tags: inherit(groupConfig.tags),
    },
    datasets,
    ...(eventTracker && eventTrackerName !== undefined
      ? { eventTracker: { sourcePath: 'eventTracker', name: eventTrackerName, tags: inherit(eventTracker.serviceConfig.tags) } }
      : {}),
    filters,
    solutions,
    recommenders,
    schedules: resolveSchedules(file, solutions, dsg),
    ...(file.preprocessing ? { preprocessing: { jobName: file.preprocessing.jobName, run: file.preprocessing.run } } : {}),
  };
}

/** Output folder of a batch job for a run: `<outputPathBase><stem>_<runStamp>/`, or the fixed output. */
export function batchOutputPath(
  job: Pick<BatchInferenceJobPlan, 'outputPathBase' | 'outputPerRun' | 'outputFolderStem'>,
  runStamp: string,
): string {
  return job.outputPerRun ? `${job.outputPathBase}${job.outputFolderStem}_${runStamp}/` : job.outputPathBase;
}

/** Job name and output path of one run of a batch job (e.g. when its schedule fires). */
export function batchRunNames(
  job: Pick<BatchInferenceJobPlan, 'jobNameBase' | 'outputPathBase' | 'outputPerRun' | 'outputFolderStem'>,
  runStamp: string,
): { jobName: string; outputPath: string } {
  return { jobName: runScopedName(job.jobNameBase, runStamp), outputPath: batchOutputPath(job, runStamp) };
}

interface SolutionContext {
  readonly bucket: string;
  /** The file's dataset group name (S3 folders keep it). */
  readonly fileDsg: string;
  readonly namePrefix: string;
  /** The stage's Personalize name of a file name at `path` (a too-long one is recorded). */
  readonly scoped: (name: string, path: string) => string;
  readonly inherit: (own: readonly Tag[] | undefined) => readonly Tag[];
  readonly perRun: (base: string) => string;
  readonly runStamp: string | undefined;
}

function resolveSolution(solution: Solution, index: number, ctx: SolutionContext): SolutionPlan {
  const sourcePath = `solutions[${index}]`;
  const config = solution.serviceConfig;
  const fileName = config.name;
  const name = ctx.scoped(fileName, `${sourcePath}.serviceConfig.name`);
  const versionConfig = config.solutionVersion ?? solution.solutionVersion?.serviceConfig;
  const versionPath = config.solutionVersion
    ? `${sourcePath}.serviceConfig.solutionVersion`
    : solution.solutionVersion
      ? `${sourcePath}.solutionVersion`
      : `${sourcePath}.serviceConfig`;
  const trains = solution.solutionVersion?.createNewSolutionVersion !== false;
  const versionNameBase = `${ctx.namePrefix}${versionConfig?.name ?? fileName}`;

  const campaigns: CampaignPlan[] = (solution.campaigns ?? []).flatMap((campaign, campaignIndex) =>
    campaign.createCampaign === false
      ? []
      : [
          {
            sourcePath: `${sourcePath}.campaigns[${campaignIndex}]`,
            name: ctx.scoped(campaign.serviceConfig.name, `${sourcePath}.campaigns[${campaignIndex}].serviceConfig.name`),
            minProvisionedTPS: campaign.serviceConfig.minProvisionedTPS ?? 1,
            ...optional('campaignConfig', campaign.serviceConfig.campaignConfig),
            ...optional('solutionVersionArn', campaign.solutionversion === '' ? undefined : campaign.solutionversion),
            tags: ctx.inherit(campaign.serviceConfig.tags),
          },
        ],
  );

  const batchInferenceJobs: BatchInferenceJobPlan[] = (solution.batchInferenceJobs ?? []).flatMap((job, jobIndex) =>
    job.createBatchInferenceJob === false
      ? []
      : [
          {
            ...batchJobBase(job, `${sourcePath}.batchInferenceJobs[${jobIndex}]`, jobIndex, fileName, ctx),
            ...optional('batchInferenceJobConfig', job.serviceConfig.batchInferenceJobConfig),
            ...optional('batchInferenceJobMode', job.serviceConfig.batchInferenceJobMode),
            ...optional('themeGenerationConfig', job.serviceConfig.themeGenerationConfig),
          },
        ],
  );
  const batchSegmentJobs: BatchSegmentJobPlan[] = (solution.batchSegmentJobs ?? []).flatMap((job, jobIndex) =>
    job.createBatchSegmentJob === false ? [] : [batchJobBase(job, `${sourcePath}.batchSegmentJobs[${jobIndex}]`, jobIndex, fileName, ctx)],
  );

  return {
    sourcePath,
    name,
    ...optional('recipeArn', config.recipeArn),
    ...optional('performHPO', config.performHPO),
    ...optional('performAutoTraining', config.performAutoTraining),
    ...optional('performIncrementalUpdate', config.performIncrementalUpdate),
    ...optional('eventType', config.eventType),
    ...optional('solutionConfig', config.solutionConfig),
    tags: ctx.inherit(config.tags),
    ...(trains
      ? {
          version: {
            sourcePath: versionPath,
            nameBase: versionNameBase,
            name: ctx.perRun(versionNameBase),
            trainingMode: versionConfig?.trainingMode ?? 'FULL',
            tags: ctx.inherit(versionConfig?.tags),
          },
        }
      : {}),
    promotionGate: resolvePromotionGate(solution, sourcePath),
    campaigns,
    batchInferenceJobs,
    batchSegmentJobs,
  };
}

/** The gate's settings with defaults filled in (`workflowConfig.promotionGate`, a recops extension). */
function resolvePromotionGate(solution: Solution, sourcePath: string): PromotionGatePlan {
  const gate = solution.workflowConfig?.promotionGate;
  return {
    sourcePath: `${sourcePath}.workflowConfig.promotionGate`,
    metric: gate?.metric ?? DEFAULT_PROMOTION_METRIC,
    margin: gate?.margin ?? 0,
    enabled: gate?.off !== true,
  };
}

function batchJobBase(
  job: BatchInferenceJob | BatchSegmentJob,
  sourcePath: string,
  jobIndex: number,
  solutionName: string,
  ctx: SolutionContext,
): BatchSegmentJobPlan {
  const config = job.serviceConfig;
  const suffix = jobIndex === 0 ? '' : `_${jobIndex}`;
  // The per-run name bounds the base; S3 folders keep the file's names (the bucket is the stage's).
  const jobNameBase = `${ctx.namePrefix}${config.jobName ?? boundedName(`batch_${solutionName}${suffix}`)}`;
  const folder = `s3://${ctx.bucket}/batch/${ctx.fileDsg}/${solutionName}/`;
  const outputPerRun = config.jobOutput === undefined;
  const outputPathBase = config.jobOutput?.s3DataDestination.path ?? folder;
  const outputFolderStem = `${solutionName}${suffix}`;
  const layout = { outputPathBase, outputPerRun, outputFolderStem };
  return {
    sourcePath,
    jobNameBase,
    jobName: ctx.perRun(jobNameBase),
    inputPath: config.jobInput?.s3DataSource.path ?? `${folder}job_config${suffix}.json`,
    ...layout,
    outputPath: ctx.runStamp === undefined ? outputPathBase : batchOutputPath(layout, ctx.runStamp),
    ...optional('inputKmsKeyArn', config.jobInput?.s3DataSource.kmsKeyArn),
    ...optional('outputKmsKeyArn', config.jobOutput?.s3DataDestination.kmsKeyArn),
    ...optional('roleArn', config.roleArn),
    ...optional('numResults', config.numResults),
    // A filter named (not an ARN) is one of the file's: the stage's name of it.
    ...optional('filterArn', config.filterArn?.startsWith('arn:') === false ? `${ctx.namePrefix}${config.filterArn}` : config.filterArn),
    tags: ctx.inherit(config.tags),
    ...optional('schedule', job.workflowConfig?.schedule),
  };
}

function resolveSchedules(file: ParameterFile, solutions: readonly SolutionPlan[], dsg: string): SchedulePlan[] {
  const schedules: SchedulePlan[] = [];
  const scheduleName = (...parts: string[]) => boundedName([dsg, ...parts].join('-'), MAX_SCHEDULE_NAME_LENGTH);
  const groupWorkflow = file.datasetGroup.workflowConfig;
  if (groupWorkflow?.schedules?.import) {
    schedules.push({
      sourcePath: 'datasetGroup.workflowConfig.schedules.import',
      name: scheduleName('import'),
      kind: 'import',
      expression: groupWorkflow.schedules.import,
      target: { datasetGroupName: dsg },
      ...optional('maxAge', groupWorkflow.maxAge),
    });
  }
  (file.solutions ?? []).forEach((solution, index) => {
    const plan = solutions[index] as SolutionPlan;
    const workflow = solution.workflowConfig;
    for (const kind of ['full', 'update'] as const) {
      const expression = workflow?.schedules?.[kind];
      if (!expression) continue;
      schedules.push({
        sourcePath: `solutions[${index}].workflowConfig.schedules.${kind}`,
        name: scheduleName(plan.name, kind),
        kind,
        expression,
        target: { datasetGroupName: dsg, solutionName: plan.name },
        ...optional('maxAge', workflow?.maxAge),
      });
    }
    const batchKinds = [
      ['batch', plan.batchInferenceJobs, solution.batchInferenceJobs ?? []],
      ['segment', plan.batchSegmentJobs, solution.batchSegmentJobs ?? []],
    ] as const;
    for (const [kind, jobs, sources] of batchKinds) {
      // Plan lists leave out disabled jobs (CDK `create…: false`); match them back by source path.
      const maxAgeByPath = new Map(
        sources.map((s, i) => [
          `solutions[${index}].${kind === 'batch' ? 'batchInferenceJobs' : 'batchSegmentJobs'}[${i}]`,
          s.workflowConfig?.maxAge,
        ]),
      );
      jobs.forEach((job, jobIndex) => {
        if (!job.schedule) return;
        schedules.push({
          sourcePath: `${job.sourcePath}.workflowConfig.schedule`,
          name: scheduleName(plan.name, kind, String(jobIndex)),
          kind,
          expression: job.schedule,
          target: { datasetGroupName: dsg, solutionName: plan.name, jobIndex, jobNameBase: job.jobNameBase },
          ...optional('maxAge', maxAgeByPath.get(job.sourcePath)),
        });
      });
    }
  });
  return schedules;
}

/** Where an MPE-format import reads: `<type>.csv` beside the file, or the folder `<type>/` of parts. */
function mpeDataLocation(bucket: string, configDir: string, type: DatasetType, keys: readonly string[] | undefined): DataLocation {
  const stem = type.toLowerCase();
  const fileKey = `${configDir}${stem}.csv`;
  const folderKey = `${configDir}${stem}/`;
  const fileUri = `s3://${bucket}/${fileKey}`;
  if (keys === undefined) return { uri: fileUri, kind: 'file' };
  if (keys.includes(fileKey)) return { uri: fileUri, kind: 'file', present: true };
  const hasParts = keys.some((key) => key.startsWith(folderKey) && key.toLowerCase().endsWith('.csv'));
  if (hasParts) return { uri: `s3://${bucket}/${folderKey}`, kind: 'folder', present: true };
  return { uri: fileUri, kind: 'file', present: false };
}

/**
 * The CDK format names its data location; a trailing slash means a folder. Presence is known only
 * for locations under the parameter file's folder in the same bucket (that is what `keys` lists).
 */
function explicitDataLocation(uri: string, bucket: string, configDir: string, keys: readonly string[] | undefined): DataLocation {
  const kind = uri.endsWith('/') ? 'folder' : 'file';
  const prefix = `s3://${bucket}/`;
  if (keys === undefined || !uri.startsWith(prefix)) return { uri, kind };
  const key = uri.slice(prefix.length);
  if (!key.startsWith(configDir)) return { uri, kind };
  const present = kind === 'file' ? keys.includes(key) : keys.some((k) => k.startsWith(key) && k.toLowerCase().endsWith('.csv'));
  return { uri, kind, present };
}

function usesCdkSolutions(file: ParameterFile): boolean {
  return (
    (file.solutions ?? []).some(
      (s) =>
        s.solutionVersion !== undefined ||
        (s.campaigns ?? []).some((c) => c.createCampaign !== undefined || c.solutionversion !== undefined) ||
        (s.batchInferenceJobs ?? []).some((j) => j.createBatchInferenceJob !== undefined) ||
        (s.batchSegmentJobs ?? []).some((j) => j.createBatchSegmentJob !== undefined),
    ) || (file.recommenders ?? []).some((r) => r.createRecommender !== undefined)
  );
}

/** Checks the options; returns the stage's Personalize name prefix. */
function checkOptions(options: ResolvePlanOptions): string {
  if (!options.bucket) throw new PlanOptionsError('resolvePlan: bucket must not be empty');
  if (!options.configKey || options.configKey.endsWith('/')) {
    throw new PlanOptionsError(`resolvePlan: configKey must name a file, got "${options.configKey}"`);
  }
  if (options.runStamp !== undefined && !isRunStamp(options.runStamp)) {
    throw new PlanOptionsError(`resolvePlan: runStamp must look like YYYY_MM_DD_HH_MM_SS, got "${options.runStamp}"`);
  }
  try {
    return personalizeNamePrefix(options.stage);
  } catch (error) {
    throw new PlanOptionsError(`resolvePlan: ${(error as Error).message}`);
  }
}

/** `{ [key]: value }` when value is defined, else `{}`: keeps absent members absent in the plan. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
