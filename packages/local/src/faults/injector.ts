/**
 * Where injected faults enter the local cloud. Each hook is a no-op unless its knob is set:
 * - `wrapWire`: Personalize control-plane calls answered ThrottlingException (400) or InternalFailure (500),
 *   and every call whose request names the poison answered InternalFailure;
 * - `wrapEngine`: engine jobs made slower, or failed (the job then ends CREATE FAILED with the reason);
 * - `handlerFaults`: the runner's deliveries thrown before the handler, held back and shuffled,
 *   duplicated, or cut short by a process exit between the handler's return and the batch delete.
 * Every injected fault is reported through `onFault` (the cloud writes it to the event log as
 * `fault.injected`), so a run can count what it was put through.
 */
import type { PersonalizeEngine } from '@recops/engine';
import { protocolError } from '../server';
import type { WireService } from '../wire';
import type { FaultOptions } from './options';
import { faultRandom, type FaultRandom } from './random';

/** Event-log kind of an injected fault. */
export const FAULT_LOG_KIND = 'fault.injected';
/** Event-log kind of the fault settings a run started with (including the seed). */
export const FAULT_SETTINGS_LOG_KIND = 'fault.settings';

/** The error an injected handler crash or job failure raises. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** Hooks the runner calls for one service's deliveries. */
export interface HandlerFaults {
  /** Throws InjectedFault when this invocation is to crash before the handler runs. */
  beforeInvoke(): void;
  /** Milliseconds to hold the next batch back (0 without reordering). */
  holdBackMs(): number;
  /** The batch in the order it is to be handed over. */
  order<T>(records: readonly T[]): T[];
  /** True when the process is to exit now, after the handler returned and before the delete. */
  exitBeforeDelete(): boolean;
  /** The records (of those handled successfully) to hand to the handler a second time. */
  duplicates<T>(records: readonly T[]): T[];
}

export interface FaultInjectorOptions {
  readonly faults: FaultOptions;
  readonly onFault?: (data: Record<string, unknown>) => void;
  /** How the process exits for `handlerExitRate`. Default: SIGKILL to itself (nothing flushed, like kill -9). */
  readonly exit?: () => void;
}

const JOB_METHODS = ['importDataset', 'trainSolutionVersion', 'runBatchInference', 'runBatchSegment'] as const;

export class FaultInjector {
  readonly random: FaultRandom;
  private readonly faults: FaultOptions;

  constructor(private readonly options: FaultInjectorOptions) {
    this.faults = options.faults;
    this.random = faultRandom(options.faults.seed ?? Date.now() % 2_147_483_647);
  }

  get seed(): number {
    return this.random.seed;
  }

  private report(fault: string, data: Record<string, unknown> = {}): void {
    this.options.onFault?.({ fault, seed: this.seed, ...data });
  }

  /** Personalize control-plane faults around a wire service (other requests pass untouched). */
  wrapWire(service: WireService): WireService {
    const { personalizeThrottleRate, personalizeServerErrorRate, poisonText } = this.faults;
    if (!personalizeThrottleRate && !personalizeServerErrorRate && poisonText === undefined) return service;
    return {
      matches: (request) => service.matches(request),
      handle: async (request) => {
        const target = request.target ?? '';
        if (target.startsWith('AmazonPersonalize.')) {
          const operation = target.slice('AmazonPersonalize.'.length);
          if (poisonText !== undefined && request.body.includes(poisonText)) {
            this.report('personalize-poisoned', { operation });
            return protocolError('json', 500, 'InternalFailure', `The service failed (injected poison) for ${operation}`);
          }
          if (this.random.chance(personalizeThrottleRate)) {
            this.report('personalize-throttled', { operation });
            return protocolError('json', 400, 'ThrottlingException', `Rate exceeded (injected fault) for ${operation}`);
          }
          if (this.random.chance(personalizeServerErrorRate)) {
            this.report('personalize-server-error', { operation });
            return protocolError('json', 500, 'InternalFailure', `The service failed (injected fault) for ${operation}`);
          }
        }
        return service.handle(request);
      },
    };
  }

  /** Slow and failing engine jobs; every other engine call passes through. */
  wrapEngine(engine: PersonalizeEngine): PersonalizeEngine {
    const { slowJobMs, jobFailureRate } = this.faults;
    if (!slowJobMs && !jobFailureRate) return engine;
    const jobs = new Set<string | symbol>(JOB_METHODS);
    const slowAndFailing =
      (method: string, original: (input: never) => Promise<unknown>) =>
      async (input: never): Promise<unknown> => {
        if (slowJobMs) {
          this.report('job-slowed', { job: method, delayMs: slowJobMs });
          await new Promise((resolve) => setTimeout(resolve, slowJobMs));
        }
        if (this.random.chance(jobFailureRate)) {
          this.report('job-failed', { job: method });
          throw new InjectedFault(`Injected fault: the ${method} job failed`);
        }
        return original(input);
      };
    // Every call reaches the engine itself (`this` stays the engine); only the jobs are wrapped.
    return new Proxy(engine, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        const bound = (value as (...args: never[]) => unknown).bind(target);
        return jobs.has(property) ? slowAndFailing(String(property), bound as (input: never) => Promise<unknown>) : bound;
      },
    });
  }

  /** The runner's hooks for one service, or undefined when it gets no handler faults. */
  handlerFaults(service: string): HandlerFaults | undefined {
    const { handlerThrowRate, handlerExitRate, duplicateRate, reorderMaxDelayMs, services } = this.faults;
    if (!handlerThrowRate && !handlerExitRate && !duplicateRate && !reorderMaxDelayMs) return undefined;
    if (services !== undefined && !services.includes(service)) return undefined;
    return {
      beforeInvoke: () => {
        if (this.random.chance(handlerThrowRate)) {
          this.report('handler-crashed', { service });
          throw new InjectedFault(`Injected fault: ${service} crashed before handling the batch`);
        }
      },
      holdBackMs: () => (reorderMaxDelayMs ? this.random.upTo(reorderMaxDelayMs) : 0),
      order: <T>(records: readonly T[]): T[] => {
        const ordered = [...records];
        if (!reorderMaxDelayMs) return ordered;
        for (let i = ordered.length - 1; i > 0; i--) {
          const j = this.random.upTo(i);
          [ordered[i], ordered[j]] = [ordered[j] as T, ordered[i] as T];
        }
        return ordered;
      },
      exitBeforeDelete: () => {
        if (!this.random.chance(handlerExitRate)) return false;
        this.report('process-exit', { service });
        (this.options.exit ?? (() => process.kill(process.pid, 'SIGKILL')))();
        return true;
      },
      duplicates: <T>(records: readonly T[]): T[] => {
        const chosen = records.filter(() => this.random.chance(duplicateRate));
        if (chosen.length > 0) this.report('duplicate-delivery', { service, count: chosen.length });
        return chosen;
      },
    };
  }
}
