/**
 * The end of an invocation, for hosts that cannot stop a handler at its timeout. Lambda stops the
 * function at its timeout (and freezes it once it returns), so nothing the handler started runs on.
 * The local cloud's runner runs handlers in-process, and JavaScript cannot stop a promise: a handler
 * past its timeout (or one middy answered for early, before the timeout) would keep calling AWS while
 * the next delivery of the same message runs. So the host runs each invocation under a signal it
 * aborts when the invocation ends or times out, and every client `createClients` builds refuses the
 * calls of an aborted invocation (and gives up waiting on one in flight) with
 * `InvocationTimeoutError`: the late handler can no longer create, publish or delete anything.
 * On Lambda no signal is set and the clients behave as usual.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const invocationSignal = new AsyncLocalStorage<AbortSignal>();

/** An AWS call of an invocation that has already timed out; never retried by the SDK. */
export class InvocationTimeoutError extends Error {
  override readonly name = 'InvocationTimeoutError';
}

/**
 * Runs `invoke` as one invocation: once `signal` is aborted, the AWS calls of everything it awaits
 * fail with `InvocationTimeoutError`.
 * @example
 * const fence = new AbortController();
 * setTimeout(() => fence.abort(), timeoutSeconds * 1000);
 * await runUntilAborted(fence.signal, () => main(event, context));
 */
export function runUntilAborted<T>(signal: AbortSignal, invoke: () => T): T {
  return invocationSignal.run(signal, invoke);
}

function refusal(signal: AbortSignal, call: string): InvocationTimeoutError {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'the invocation has ended';
  return new InvocationTimeoutError(
    `${call} refused: ${reason}. Lambda stops a function at its timeout and freezes it once it returns: a late call has no effect`,
  );
}

interface CallContext {
  readonly clientName?: string;
  readonly commandName?: string;
}
type Next = (args: unknown) => Promise<unknown>;

/** Per attempt (inside the SDK's retries): refuses a call of an aborted invocation, and stops waiting when it aborts. */
const fence =
  (next: Next, context: CallContext): Next =>
  async (args) => {
    const signal = invocationSignal.getStore();
    if (signal === undefined) return next(args);
    const call = `${context.clientName ?? 'AWS'} ${context.commandName ?? 'call'}`;
    if (signal.aborted) throw refusal(signal, call);
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(refusal(signal, call));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([next(args), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  };

interface MiddlewareStack {
  add(middleware: typeof fence, options: { step: 'finalizeRequest'; priority: 'low'; name: string }): void;
}

/** Adds the invocation fence to an SDK client (after its retry step, so each attempt is checked). */
export function fenceClient<C extends { readonly middlewareStack: object }>(client: C): C {
  (client.middlewareStack as MiddlewareStack).add(fence, { step: 'finalizeRequest', priority: 'low', name: 'recopsInvocationFence' });
  return client;
}
