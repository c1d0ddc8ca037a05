/**
 * Which Personalize names a stage owns. Personalize names are unique per account and region, so two
 * stages deployed in one account would manage the same dataset group, solutions and campaigns when
 * their parameter files name them alike. The rule, used by every service (through the plan), the
 * CLI and the stage's IAM grants:
 *
 * - a production stage (`prod` or `production`, the stages the stacks protect) keeps the file's names;
 * - any other stage puts `<stage>-` before every name recops gives a Personalize resource.
 *
 * It lives in the platform contract because the stacks scope the stage's Personalize grants to the
 * prefix and import nothing above this layer; `@recops/core` re-exports it for services and the CLI.
 */

/** Stages treated as production: their Personalize names are the file's, their resources kept. */
export const PRODUCTION_STAGES: readonly string[] = ['prod', 'production'];

/** A stage name that can start a Personalize name (letters, digits, `-`, `_`; SST stages fit). */
const STAGE_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

export function isProductionStage(stage: string): boolean {
  return PRODUCTION_STAGES.includes(stage);
}

/** `<stage>-` for a non-production stage, `''` for a production one. */
export function personalizeNamePrefix(stage: string): string {
  if (!STAGE_PATTERN.test(stage)) {
    throw new RangeError(
      `stage ${JSON.stringify(stage.slice(0, 64))} cannot prefix Personalize names: it must match ${STAGE_PATTERN.source}`,
    );
  }
  return isProductionStage(stage) ? '' : `${stage}-`;
}

/** The Personalize name `stage` gives the resource its parameter file calls `name`. */
export function stageScopedName(stage: string, name: string): string {
  return `${personalizeNamePrefix(stage)}${name}`;
}
