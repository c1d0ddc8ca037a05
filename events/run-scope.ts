/**
 * What a run is about. An upload runs everything its parameter file asks for; a schedule runs one
 * slice of it: the file's imports, a retrain of one solution, or one batch job. Pipeline Requested
 * carries the scope so that a service subscribes to exactly the runs it acts on (e.g. the batch
 * runner: `pipelineRequested.pattern({ scope: { kind: ['batch'] } })`), and the run tracker derives
 * the run's goals from plan + scope.
 */
import { z } from 'zod';
import { personalizeName } from './fields';

export const RUN_SCOPE_KIND = {
  /** Everything the file asks for (an upload). */
  everything: 'everything',
  /** The file's import jobs, into the dataset group's existing datasets (an `import` schedule). */
  import: 'import',
  /** One new version of one existing solution, FULL or UPDATE (a `full`/`update` schedule). */
  retrain: 'retrain',
  /** One batch inference or batch segment job of one solution (a `batch`/`segment` schedule). */
  batch: 'batch',
} as const;
export type RunScopeKind = (typeof RUN_SCOPE_KIND)[keyof typeof RUN_SCOPE_KIND];

/** The two batch job kinds, spelled as the resource kinds (and Batch Output Ready's `jobKind`). */
export const BATCH_JOB_KINDS = ['batchInferenceJob', 'batchSegmentJob'] as const;
export type BatchJobKind = (typeof BATCH_JOB_KINDS)[number];

export const runScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal(RUN_SCOPE_KIND.everything) }),
  z.strictObject({ kind: z.literal(RUN_SCOPE_KIND.import) }),
  z.strictObject({
    kind: z.literal(RUN_SCOPE_KIND.retrain),
    solutionName: personalizeName,
    trainingMode: z.enum(['FULL', 'UPDATE']),
  }),
  z.strictObject({
    kind: z.literal(RUN_SCOPE_KIND.batch),
    solutionName: personalizeName,
    jobKind: z.enum(BATCH_JOB_KINDS),
    /** Index of the job in the solution's `batchInferenceJobs` / `batchSegmentJobs` of the plan. */
    jobIndex: z.number().int().min(0),
    /** The job's `jobNameBase` in the plan; its name in this run is `runScopedName(jobNameBase, runStamp)`. */
    jobNameBase: personalizeName,
  }),
]);
export type RunScope = z.infer<typeof runScope>;
