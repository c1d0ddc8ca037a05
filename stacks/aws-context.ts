/** Partition, region and account of the deploying provider, for ARNs SST does not hand out. */

export interface AwsContext {
  readonly partition: $util.Output<string>;
  readonly region: $util.Output<string>;
  readonly accountId: $util.Output<string>;
}

export function awsContext(): AwsContext {
  return {
    partition: aws.getPartitionOutput({}).apply((p) => p.partition),
    region: aws.getRegionOutput({}).apply((r) => r.region),
    accountId: aws.getCallerIdentityOutput({}).apply((c) => c.accountId),
  };
}
