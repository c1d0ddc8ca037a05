/**
 * The local Amazon Personalize: one WireService for the control plane (JSON 1.1 on `POST /`),
 * the runtime (`/recommendations`, `/personalize-ranking`, `/action-recommendations`) and the
 * events API (`/events`, `/items`, `/users`, …). It owns requests signed for `personalize`; S3
 * paths such as `/events` (a bucket) are told apart by that signing name.
 */
import { randomUUID } from 'node:crypto';
import type { PersonalizeEngine } from '@recops/engine';
import type { WireRequest, WireResponse, WireService } from '../wire';
import { CONTROL_PLANE_OPERATIONS, TARGET_PREFIX } from './control-plane';
import { DEFAULT_QUOTAS, type PersonalizeQuotas, type ServiceContext } from './context';
import { PersonalizeServiceError, UnknownOperationError } from './errors';
import { EVENT_ROUTES } from './events';
import { type Json, parseBody } from './input';
import { Lifecycle } from './lifecycle';
import { resumeAll } from './ops/resume';
import { RUNTIME_ROUTES } from './runtime';
import { ResourceStore } from './store';

export interface LocalPersonalizeOptions {
  readonly engine: PersonalizeEngine;
  /** Resources persist under `<dataDir>/personalize/`; omitted, they live in memory only. */
  readonly dataDir?: string;
  /** Delay of each status step (CREATE PENDING → CREATE IN_PROGRESS → …). Default 500 ms; 0 in tests. */
  readonly stepDelayMs?: number;
  readonly quotas?: Partial<PersonalizeQuotas>;
  /** Told about failures outside any request (a lifecycle step that threw). */
  readonly onError?: (error: unknown) => void;
  /** Told about every control-plane call that changed something (Create*, Update*, Start*, Stop*, Delete*) and succeeded. */
  readonly onMutation?: (mutation: PersonalizeMutation) => void;
}

/** A successful control-plane call that changed something: what the cloud's records count. */
export interface PersonalizeMutation {
  readonly operation: string;
  /** The call's input names and ARNs (`name`, `jobName`, `*Arn`). */
  readonly input: Readonly<Record<string, string>>;
  /** The ARNs it answered with. */
  readonly output: Readonly<Record<string, string>>;
}

const MUTATING = /^(Create|Update|Start|Stop|Delete)/;

/** The string fields of a JSON object whose names say they identify something. */
function identifiersOf(value: Json, keep: (key: string) => boolean): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && keep(entry[0])),
  );
}

export interface LocalPersonalize {
  readonly wire: WireService;
  /** Stops status chains where they stand (a restart resumes them) and flushes the store. */
  close(): Promise<void>;
}

export const DEFAULT_STEP_DELAY_MS = 500;
const SIGNING_NAME = 'personalize';

function jsonResponse(status: number, body: Json | undefined, contentType: string, extra: Record<string, string> = {}): WireResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...extra },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

/** `__type` for JSON 1.1 clients and botocore; `x-amzn-errortype` for REST clients, which read it first. */
function errorResponse(error: PersonalizeServiceError, contentType: string): WireResponse {
  return jsonResponse(error.status, { __type: error.errorType, message: error.message }, contentType, {
    'x-amzn-errortype': error.errorType,
  });
}

export async function createLocalPersonalize(options: LocalPersonalizeOptions): Promise<LocalPersonalize> {
  const store = await ResourceStore.open(options.dataDir);
  const onError =
    options.onError ?? ((error: unknown) => process.stderr.write(`local personalize: ${(error as Error).stack ?? String(error)}\n`));
  const lifecycle = new Lifecycle(store, options.stepDelayMs ?? DEFAULT_STEP_DELAY_MS, onError);
  const ctx: ServiceContext = { store, lifecycle, engine: options.engine, quotas: { ...DEFAULT_QUOTAS, ...options.quotas } };
  resumeAll(ctx);

  async function run(
    operation: (ctx: ServiceContext, input: Json) => Promise<Json> | Json,
    body: Buffer,
    contentType: string,
    emptyBody: boolean,
    name?: string,
  ): Promise<WireResponse> {
    try {
      const input = parseBody(body);
      const output = await operation(ctx, input);
      await store.flush();
      if (name !== undefined && MUTATING.test(name))
        options.onMutation?.({
          operation: name,
          input: identifiersOf(input, (key) => key === 'name' || key === 'jobName' || key.endsWith('Arn')),
          output: identifiersOf(output, (key) => key.endsWith('Arn')),
        });
      return jsonResponse(200, emptyBody ? undefined : output, contentType);
    } catch (error) {
      if (error instanceof PersonalizeServiceError) {
        await store.flush();
        return errorResponse(error, contentType);
      }
      throw error;
    }
  }

  const wire: WireService = {
    matches(request: WireRequest): boolean {
      return request.signingName === SIGNING_NAME || (request.target?.startsWith(TARGET_PREFIX) ?? false);
    },
    async handle(request: WireRequest): Promise<WireResponse> {
      if (request.target !== undefined) {
        const contentType = 'application/x-amz-json-1.1';
        const name = request.target.startsWith(TARGET_PREFIX) ? request.target.slice(TARGET_PREFIX.length) : request.target;
        const operation = Object.hasOwn(CONTROL_PLANE_OPERATIONS, name) ? CONTROL_PLANE_OPERATIONS[name] : undefined;
        if (request.method !== 'POST' || operation === undefined) {
          return errorResponse(new UnknownOperationError(`Operation ${request.target} is not supported.`), contentType);
        }
        return run(operation, request.body, contentType, false, name);
      }
      const contentType = 'application/json';
      const runtime = Object.hasOwn(RUNTIME_ROUTES, request.path) ? RUNTIME_ROUTES[request.path] : undefined;
      const events = Object.hasOwn(EVENT_ROUTES, request.path) ? EVENT_ROUTES[request.path] : undefined;
      const operation = runtime ?? events;
      if (request.method !== 'POST' || operation === undefined) {
        return errorResponse(new UnknownOperationError(`No Personalize operation at ${request.method} ${request.path}.`), contentType);
      }
      // Events operations answer 200 with an empty body.
      return run(operation, request.body, contentType, events !== undefined);
    },
  };

  return {
    wire,
    async close(): Promise<void> {
      lifecycle.close();
      await store.flush();
    },
  };
}
