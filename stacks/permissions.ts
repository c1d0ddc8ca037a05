/**
 * Least-privilege function permissions from a manifest entry. The scope → resource mapping lives in
 * the platform package (manifest-policy.ts), shared with the local cloud's IAM; this file only feeds it this
 * stage's SST outputs and turns its statements into SST's permission arguments.
 */
import { ManifestPermissionError, servicePolicy, type ScopeResources, type ServiceDefinition } from '@recops/platform';
import { StackConfigError } from './config';

export function servicePermissions(
  service: ServiceDefinition,
  resources: ScopeResources<$util.Input<string>>,
): sst.aws.FunctionPermissionArgs[] {
  try {
    return servicePolicy(service, resources, $interpolate).map((statement) => ({
      actions: [...statement.actions],
      resources: [...statement.resources],
      ...(statement.conditions === undefined
        ? {}
        : { conditions: statement.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) }),
    }));
  } catch (error) {
    if (error instanceof ManifestPermissionError) throw new StackConfigError(error.message, { cause: error });
    throw error;
  }
}
