/**
 * What a target receives: the event itself, a constant `Input`, the value at `InputPath`, or an
 * `InputTransformer` template filled from `InputPathsMap` (EventBridge "Transforming target input").
 */
import { EventBridgeError } from './errors';
import { clip } from '../errors';

export interface TargetInputSettings {
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: { readonly InputPathsMap?: Record<string, string>; readonly InputTemplate: string };
}

/** Resolves a simple JSONPath (`$`, `$.a.b`, `$.a[0]`, `$['a-b']`). */
export function readJsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new EventBridgeError('ValidationException', `JSON path ${clip(path)} must start with $`);
  const steps = [...path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g)];
  const consumed = steps.reduce((length, step) => length + step[0].length, 0);
  if (consumed !== path.length - 1)
    throw new EventBridgeError('ValidationException', `JSON path ${clip(path)} is not a supported path ($.a.b, $.a[0])`);
  let current: unknown = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = step[1] ?? step[3] ?? step[4];
    current = key !== undefined ? (current as Record<string, unknown>)[key] : (current as unknown[])[Number(step[2])];
  }
  return current;
}

export function validateTargetInput(settings: TargetInputSettings): void {
  const given = [settings.Input, settings.InputPath, settings.InputTransformer].filter((item) => item !== undefined).length;
  if (given > 1)
    throw new EventBridgeError('ValidationException', 'Only one of Input, InputPath and InputTransformer may be set on a target.');
  if (settings.Input !== undefined) {
    try {
      JSON.parse(settings.Input);
    } catch {
      throw new EventBridgeError('ValidationException', `Target Input must be valid JSON text; got ${settings.Input.slice(0, 80)}`);
    }
  }
  if (settings.InputPath !== undefined) readJsonPath({}, settings.InputPath);
  for (const path of Object.values(settings.InputTransformer?.InputPathsMap ?? {})) readJsonPath({}, path);
}

/** The message body a target gets for `event` when `ruleName` matched. */
export function renderTargetInput(settings: TargetInputSettings, event: Record<string, unknown>, ruleName: string): string {
  if (settings.Input !== undefined) return settings.Input;
  if (settings.InputPath !== undefined) return JSON.stringify(readJsonPath(event, settings.InputPath) ?? null);
  const transformer = settings.InputTransformer;
  if (!transformer) return JSON.stringify(event);
  const values: Record<string, unknown> = {
    'aws.events.rule-name': ruleName,
    'aws.events.event': event,
    'aws.events.event.json': event,
    'aws.events.event.ingestion-time': event.time,
  };
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {})) values[name] = readJsonPath(event, path);
  // Strings are inserted bare (templates quote them: "id": "<id>"); everything else as JSON.
  return transformer.InputTemplate.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => {
    if (!(name in values)) return whole;
    const value = values[name];
    if (value === undefined) return 'null';
    return typeof value === 'string' ? value.replace(/["\\]/g, '\\$&') : JSON.stringify(value);
  });
}
