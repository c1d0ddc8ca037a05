/**
 * Fault injection for the local cloud: off unless asked for, per run, through
 * `createLocalCloud({ faults })` or the `RECOPS_LOCAL_FAULTS` environment variable (a JSON object
 * of the same fields, which `recops local` and `recops demo` pass through). Every choice comes
 * from one seeded pseudo-random sequence, so a seed repeats a run's choices in the same order of
 * calls.
 */
export interface FaultOptions {
  /** Seed of the pseudo-random choices. Default: derived from the clock (written to the event log). */
  readonly seed?: number;
  /** Fraction of Personalize control-plane calls answered 400 ThrottlingException (SDKs retry it). */
  readonly personalizeThrottleRate?: number;
  /** Fraction of Personalize control-plane calls answered 500 InternalFailure (SDKs retry it). */
  readonly personalizeServerErrorRate?: number;
  /** Extra milliseconds each engine job takes (dataset import, training, batch inference/segment). */
  readonly slowJobMs?: number;
  /** Fraction of engine jobs that end CREATE FAILED, with a reason starting "Injected fault". */
  readonly jobFailureRate?: number;
  /** Fraction of handler invocations (SQS batches and S3 events) that throw before the handler runs. */
  readonly handlerThrowRate?: number;
  /**
   * Fraction of SQS batches after which the process kills itself (SIGKILL) once the handler has
   * returned and before the batch is deleted: a crash mid-batch. Needs a supervisor to restart it.
   */
  readonly handlerExitRate?: number;
  /** Fraction of successfully handled SQS messages handed to their handler a second time (same messageId). */
  readonly duplicateRate?: number;
  /** Hold each SQS batch back a random 0..N ms and shuffle its records: deliveries arrive out of order. */
  readonly reorderMaxDelayMs?: number;
  /** Manifest services whose handlers get handler faults (throw, exit, duplicates, reordering). Default: all. */
  readonly services?: readonly string[];
  /**
   * Personalize control-plane requests whose body contains this text are answered 500
   * InternalFailure every time (a service-side failure one input hits, e.g. a dataset group's
   * name): the handler fails on every delivery and the message reaches its DLQ after
   * maxReceiveCount. Starting the cloud again without it is the fix; a redrive then completes the run.
   */
  readonly poisonText?: string;
}

type Rule = (value: unknown) => string | undefined;

const rate: Rule = (value) => (typeof value === 'number' && value >= 0 && value <= 1 ? undefined : 'must be a number from 0 to 1');
const integer =
  (max: number): Rule =>
  (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= max ? undefined : `must be an integer from 0 to ${max}`;

const RULES: Record<keyof FaultOptions, Rule> = {
  seed: integer(2 ** 32 - 1),
  personalizeThrottleRate: rate,
  personalizeServerErrorRate: rate,
  slowJobMs: integer(3_600_000),
  jobFailureRate: rate,
  handlerThrowRate: rate,
  handlerExitRate: rate,
  duplicateRate: rate,
  reorderMaxDelayMs: integer(600_000),
  services: (value) =>
    Array.isArray(value) && value.every((name) => typeof name === 'string' && name !== '') ? undefined : 'must be a list of service names',
  poisonText: (value) => (typeof value === 'string' && value !== '' ? undefined : 'must be a non-empty string'),
};

/** The variable `createLocalCloud` reads when no `faults` option is given. */
export const FAULTS_ENV = 'RECOPS_LOCAL_FAULTS';

export class FaultOptionsError extends Error {
  override readonly name = 'FaultOptionsError';
}

/** Validates fault options; the error names each field and the rule it breaks. */
export function parseFaultOptions(value: unknown, source = 'faults'): FaultOptions {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FaultOptionsError(`${source} must be a JSON object`);
  const problems: string[] = [];
  for (const [field, fieldValue] of Object.entries(value)) {
    const rule = RULES[field as keyof FaultOptions];
    if (rule === undefined) {
      problems.push(`${source}.${field}: unknown setting (known: ${Object.keys(RULES).join(', ')})`);
      continue;
    }
    const problem = fieldValue === undefined ? undefined : rule(fieldValue);
    if (problem !== undefined) problems.push(`${source}.${field}: ${problem}`);
  }
  if (problems.length > 0) throw new FaultOptionsError(`Invalid fault injection settings: ${problems.join('; ')}`);
  return value as FaultOptions;
}

/** Reads `RECOPS_LOCAL_FAULTS`; undefined when unset or empty. */
export function faultOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): FaultOptions | undefined {
  const raw = env[FAULTS_ENV]?.trim();
  if (!raw) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new FaultOptionsError(`${FAULTS_ENV} is not valid JSON: ${(error as Error).message}`);
  }
  return parseFaultOptions(value, FAULTS_ENV);
}

/** True when any fault is switched on. */
export function hasFaults(options: FaultOptions | undefined): options is FaultOptions {
  if (options === undefined) return false;
  const { seed: _seed, services: _services, poisonText, ...knobs } = options;
  return poisonText !== undefined || Object.values(knobs).some((value) => typeof value === 'number' && value > 0);
}
