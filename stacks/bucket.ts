/**
 * The data bucket: parameter files (`train/`), imports, batch input and output, and what recops
 * keeps about runs (`runs/`). Public access is blocked outright, objects are encrypted at rest, and
 * SST's `enforceHttps` adds the statement that denies every non-TLS request. Personalize reads
 * imports and writes batch output through the bucket policy below together with its role
 * (`personalize-role.ts`); the AWS guide asks for both. The bucket policy admits Personalize only on
 * behalf of this account's Personalize resources in this region (`aws:SourceAccount`,
 * `aws:SourceArn`), as the guide's confused-deputy section advises. Lifecycle rules expire finished runs,
 * and runs that never finished later.
 */
import { FINISHED_RUN_TAG, OPEN_RUN_TAG, RUNS_PREFIX, UNFINISHED_RUN_RETENTION_FACTOR } from '@recops/platform';
import type { AwsContext } from './aws-context';

/** What Personalize needs on the bucket (Personalize developer guide, "granting-personalize-s3-access"). */
export const PERSONALIZE_BUCKET_ACTIONS = ['s3:GetObject', 's3:ListBucket', 's3:PutObject'] as const;

export interface BucketResources {
  readonly bucket: sst.aws.Bucket;
}

/**
 * @param runRetentionDays days a finished run's documents are kept (an unfinished run's, three times
 *   as long); the same for every noncurrent version under `runs/` (production keeps versions, so
 *   each rewrite of a state document stays one).
 */
export function createDataBucket(production: boolean, context: AwsContext, runRetentionDays: number): BucketResources {
  const bucket = new sst.aws.Bucket('Data', {
    enforceHttps: true,
    cors: false,
    // Production keeps every version of parameter files and outputs.
    versioning: production,
    policy: [
      {
        actions: [...PERSONALIZE_BUCKET_ACTIONS],
        principals: [{ type: 'service', identifiers: ['personalize.amazonaws.com'] }],
        conditions: [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [context.accountId] },
          {
            test: 'ArnLike',
            variable: 'aws:SourceArn',
            values: [$interpolate`arn:${context.partition}:personalize:${context.region}:${context.accountId}:*`],
          },
        ],
      },
    ],
    transform: {
      // SST empties a bucket on removal by default; production data must survive.
      bucket: { forceDestroy: !production },
      publicAccessBlock: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    },
  });
  new aws.s3.BucketServerSideEncryptionConfiguration('DataEncryption', {
    bucket: bucket.name,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
  });
  // Every run document is written tagged open; the run tracker retags a run's documents finished
  // once its outcome is published. Open ones (a run that never ended, a document written into a
  // run after it ended) expire later. Documents that outlive runs (`runs/<dsg>/schedules.json`)
  // carry no tag, so only noncurrent versions of them expire.
  new aws.s3.BucketLifecycleConfiguration('DataLifecycle', {
    bucket: bucket.name,
    rules: [
      {
        id: 'finished-runs',
        status: 'Enabled',
        filter: { and: { prefix: RUNS_PREFIX, tags: { [FINISHED_RUN_TAG.key]: FINISHED_RUN_TAG.value } } },
        expiration: { days: runRetentionDays },
      },
      {
        id: 'unfinished-runs',
        status: 'Enabled',
        filter: { and: { prefix: RUNS_PREFIX, tags: { [OPEN_RUN_TAG.key]: OPEN_RUN_TAG.value } } },
        expiration: { days: UNFINISHED_RUN_RETENTION_FACTOR * runRetentionDays },
      },
      {
        id: 'run-document-versions',
        status: 'Enabled',
        filter: { prefix: RUNS_PREFIX },
        noncurrentVersionExpiration: { noncurrentDays: runRetentionDays },
      },
    ],
  });
  return { bucket };
}
