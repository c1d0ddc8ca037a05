/** IAM policy documents as JSON, built with `$jsonStringify` so they may contain Outputs. */

export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: readonly string[];
  readonly Resource: readonly $util.Input<string>[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, $util.Input<string> | readonly $util.Input<string>[]>>>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): $util.Output<string> {
  return $jsonStringify({ Version: '2012-10-17', Statement: statements });
}

/** Confused-deputy guards of a trust policy: who the service may assume the role on behalf of. */
export interface TrustConditions {
  /** `aws:SourceAccount` must equal this account. */
  readonly sourceAccount: $util.Input<string>;
  /** `aws:SourceArn` must match this ARN pattern (`ArnLike`). */
  readonly sourceArnLike?: $util.Input<string>;
}

/**
 * Trust policy letting one AWS service assume a role, with the confused-deputy guards the service
 * documents in their guides' "Cross-service confused deputy prevention": `aws:SourceAccount` and
 * `aws:SourceArn` (for Scheduler, the schedule group's ARN; for Personalize, its resources).
 */
export function trustPolicy(service: string, conditions?: TrustConditions): $util.Output<string> {
  const condition =
    conditions === undefined
      ? undefined
      : {
          StringEquals: { 'aws:SourceAccount': conditions.sourceAccount },
          ...(conditions.sourceArnLike === undefined ? {} : { ArnLike: { 'aws:SourceArn': conditions.sourceArnLike } }),
        };
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  });
}
