/**
 * A stand-in for Pulumi Outputs: every value is known while recording, so `apply` runs at once.
 * `$interpolate`, `$jsonStringify` and `$resolve` are built on it.
 */

export class StandInOutput<T> implements $util.Output<T> {
  constructor(readonly value: T) {}

  apply<U>(fn: (value: T) => U | $util.Output<U> | Promise<U>): $util.Output<U> {
    const result = fn(this.value);
    if (result instanceof Promise) {
      throw new Error('The SST stand-in resolves values synchronously; apply() callbacks must not return promises');
    }
    return new StandInOutput(unwrap(result) as U);
  }
}

/** Replaces every Output inside `value` by its value (arrays and plain objects deeply). */
export function unwrap(value: unknown): unknown {
  if (value instanceof StandInOutput) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v)]));
  }
  return value;
}

export function output<T>(value: T): StandInOutput<T> {
  return new StandInOutput(value);
}

export function interpolate(literals: TemplateStringsArray, ...placeholders: unknown[]): $util.Output<string> {
  let text = literals[0] ?? '';
  placeholders.forEach((placeholder, index) => {
    text += String(unwrap(placeholder)) + (literals[index + 1] ?? '');
  });
  return output(text);
}

export function jsonStringify(value: unknown, _replacer?: undefined, space?: string | number): $util.Output<string> {
  return output(JSON.stringify(unwrap(value), undefined, space));
}

export function resolve<T extends Record<string, unknown>>(value: T): $util.Output<{ [K in keyof T]: SstUnwrap<T[K]> }> {
  return output(unwrap(value) as { [K in keyof T]: SstUnwrap<T[K]> });
}
