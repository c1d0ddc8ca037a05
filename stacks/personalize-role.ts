/**
 * The role Amazon Personalize assumes to read imports and write batch output. Its trust policy admits
 * Personalize only on behalf of this account's Personalize resources in this region.
 */
import type { AwsContext } from './aws-context';
import { PERSONALIZE_BUCKET_ACTIONS } from './bucket';
import { policyDocument, trustPolicy, type PolicyStatement } from './iam';
import { stageName } from './naming';

/** What Personalize needs on a customer-managed key (guide, "granting-personalize-key-access"). */
const PERSONALIZE_KMS_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] as const;

export function createPersonalizeRole(bucket: sst.aws.Bucket, kmsKeyArns: readonly string[], context: AwsContext): aws.iam.Role {
  const statements: PolicyStatement[] = [
    {
      Effect: 'Allow',
      Action: [...PERSONALIZE_BUCKET_ACTIONS],
      Resource: [bucket.arn, $interpolate`${bucket.arn}/*`],
    },
  ];
  if (kmsKeyArns.length > 0) {
    statements.push({ Effect: 'Allow', Action: [...PERSONALIZE_KMS_ACTIONS], Resource: [...kmsKeyArns] });
  }
  return new aws.iam.Role('PersonalizeRole', {
    // IAM is global: the region keeps one stage deployed in two regions from claiming one name.
    name: context.region.apply((region) => stageName(`${region}-personalize`)),
    // Personalize may assume it only on behalf of this account's Personalize resources in this region
    // (confused deputy), as the bucket policy admits it.
    assumeRolePolicy: trustPolicy('personalize.amazonaws.com', {
      sourceAccount: context.accountId,
      sourceArnLike: $interpolate`arn:${context.partition}:personalize:${context.region}:${context.accountId}:*`,
    }),
    inlinePolicies: [{ name: 'data-bucket', policy: policyDocument(statements) }],
  });
}
