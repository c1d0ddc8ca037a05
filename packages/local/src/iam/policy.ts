/**
 * Evaluation of identity policies as IAM does it for one principal: a request is allowed when some
 * Allow statement names its action and resource (`*` and `?` wildcards) and all of that statement's
 * conditions hold; everything else is an implicit deny. recops grants no Deny statements.
 */
import type { PolicyStatement } from '@recops/platform';

/** One action on one resource, as IAM authorizes it (an API call may need several). */
export interface AccessRequest {
  /** `service:Action`, e.g. `s3:GetObject`. */
  readonly action: string;
  /** The ARN the action applies to, or `*` for actions without a resource type (List calls). */
  readonly resource: string;
  /** Condition keys of the request, e.g. `iam:PassedToService`. */
  readonly context?: Readonly<Record<string, string>>;
}

function wildcard(pattern: string, flags: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, flags);
}

/** Action names are case-insensitive in IAM; ARNs are not. */
function matchesAction(pattern: string, action: string): boolean {
  return wildcard(pattern, 'i').test(action);
}

function matchesResource(pattern: string, resource: string): boolean {
  return pattern === '*' || (resource !== '*' && wildcard(pattern, '').test(resource));
}

function conditionsHold(statement: PolicyStatement<string>, context: Readonly<Record<string, string>>): boolean {
  return (statement.conditions ?? []).every((condition) => {
    const value = context[condition.variable];
    return value !== undefined && condition.values.includes(value);
  });
}

export function isAllowed(statements: readonly PolicyStatement<string>[], request: AccessRequest): boolean {
  return statements.some(
    (statement) =>
      statement.actions.some((action) => matchesAction(action, request.action)) &&
      statement.resources.some((resource) => matchesResource(resource, request.resource)) &&
      conditionsHold(statement, request.context ?? {}),
  );
}
