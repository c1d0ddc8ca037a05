/**
 * The data bucket: parameter files (`train/`), imports, batch input and output. Public access is
 * blocked outright, objects are encrypted at rest, and SST's `enforceHttps` adds the statement that
 * denies every non-TLS request. Personalize reads imports and writes batch output through the
 * bucket policy below together with its role (`personalize-role.ts`); the AWS guide asks for both.
 * The bucket policy admits Personalize only on behalf of this account's Personalize resources in
 * this region (`aws:SourceAccount`, `aws:SourceArn`), as the guide's confused-deputy section advises.
 */
import type { AwsContext } from './aws-context';

/** What Personalize needs on the bucket (Personalize developer guide, "granting-personalize-s3-access"). */
export const PERSONALIZE_BUCKET_ACTIONS = ['s3:GetObject', 's3:ListBucket', 's3:PutObject'] as const;

export interface BucketResources {
  readonly bucket: sst.aws.Bucket;
}

export function createDataBucket(production: boolean, context: AwsContext): BucketResources {
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
  return { bucket };
}
