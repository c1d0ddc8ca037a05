import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, s3Location, s3Prefix, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

export const batchOutputReady = defineEvent({
  name: 'batch-output-ready',
  source: EVENT_SOURCE.batch,
  detailType: 'Batch Output Ready',
  version: 1,
  description:
    "A batch inference or segment job wrote its output to S3 (the _CHECK marker and manifest.json are in place); with reusedFromRunId, a rejected version's run keeps the live version's output of the same input.",
  detail: z.object({
    ...baseDetail,
    /** The batch job that wrote the output. */
    resourceArn: personalizeArn,
    jobKind: z.enum(['batchInferenceJob', 'batchSegmentJob']),
    /** The job's name (`runScopedName(jobNameBase, runStamp)`). */
    jobName: personalizeName,
    /** The plan's `jobNameBase` of the job (what a schedule names). */
    jobNameBase: personalizeName,
    solutionName: personalizeName,
    /** The solution version the job ran on. */
    solutionVersionArn: personalizeArn,
    input: s3Location,
    output: s3Prefix,
    /** The output objects (`job_config.json.out`, …), keys relative to the bucket. */
    objectKeys: z.array(z.string().min(1)).min(1),
    /** The `_CHECK` marker and `manifest.json` written beside the output. */
    check: s3Location,
    manifest: s3Location,
    /** Output lines, and how many of them carry an `error`. */
    lineCount: z.number().int().nonnegative(),
    errorLineCount: z.number().int().nonnegative(),
    readyAt: timestamp,
    /**
     * Set when this run started no job: its new version was rejected, and the output the live
     * version wrote from the same input with the same settings (in run `reusedFromRunId`) stands.
     */
    reusedFromRunId: personalizeName.optional(),
  }),
});
