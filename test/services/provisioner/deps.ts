import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { S3Client } from '@aws-sdk/client-s3';
import type { ProvisionerDependencies } from '../../../services/dataset-provisioner/provision';

/** The provisioner's dependencies for tests that mock its clients, with the clock stopped at `now`. */
export function provisionerDeps(now: string): ProvisionerDependencies {
  return {
    personalize: new PersonalizeClient({ region: 'us-east-1' }),
    s3: new S3Client({ region: 'us-east-1' }),
    eventBridge: new EventBridgeClient({ region: 'us-east-1' }),
    busName: 'recops-test',
    bucketName: 'recops-data',
    personalizeRoleArn: 'arn:aws:iam::000000000000:role/personalize',
    now: () => new Date(now),
  };
}
