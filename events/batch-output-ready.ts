import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, s3Prefix, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

export const batchOutputReady = defineEvent({
  name: 'batch-output-ready',
  source: EVENT_SOURCE.batch,
  detailType: 'Batch Output Ready',
  version: 1,
  description: 'A batch inference or segment job wrote its output to S3 (the _CHECK marker is in place).',
  detail: z.object({
    ...baseDetail,
    /** The batch job that wrote the output. */
    resourceArn: personalizeArn,
    jobKind: z.enum(['batchInferenceJob', 'batchSegmentJob']),
    jobName: personalizeName,
    solutionName: personalizeName,
    output: s3Prefix,
    /** The output objects (JSON Lines parts, `job_config.json.out`, …), keys relative to the bucket. */
    objectKeys: z.array(z.string().min(1)).min(1),
    readyAt: timestamp,
  }),
});
