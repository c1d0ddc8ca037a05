/**
 * What the logic of the chain's services takes from an invocation: the AWS clients it calls, the
 * bus it publishes to, the data bucket and a clock (tests pass their own). Each service's
 * dependencies extend it with what only that service needs (a delivery id, a role ARN).
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { S3Client } from '@aws-sdk/client-s3';
import type { InvocationContext } from './handler';

export interface ChainDependencies {
  readonly personalize: PersonalizeClient;
  readonly s3: S3Client;
  readonly eventBridge: EventBridgeClient;
  readonly busName: string;
  readonly bucketName: string;
  readonly now: () => Date;
}

/** The invocation's clients and settings, and the wall clock. */
export function chainDependencies(ctx: InvocationContext): ChainDependencies {
  return {
    personalize: ctx.clients.personalize,
    s3: ctx.clients.s3,
    eventBridge: ctx.clients.eventBridge,
    busName: ctx.env.busName,
    bucketName: ctx.env.bucketName,
    now: () => new Date(),
  };
}
