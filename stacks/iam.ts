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

/**
 * Trust policy letting one AWS service assume a role. `sourceAccount` adds the confused-deputy
 * guard the service documents (EventBridge Scheduler does; Personalize's guide shows none).
 */
export function trustPolicy(service: string, sourceAccount?: $util.Input<string>): $util.Output<string> {
  return $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(sourceAccount === undefined ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } }),
      },
    ],
  });
}
