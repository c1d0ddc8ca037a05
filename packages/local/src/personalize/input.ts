/**
 * Readers for control-plane and runtime request members. Each names the member and the rule it
 * breaks, the way the service's InvalidInputException messages do.
 */
import { ARN_PATTERN } from './arns';
import { InvalidInputError, TooManyTagsError } from './errors';
import { clip } from '../errors';

export type Json = Record<string, unknown>;

const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

export function parseBody(body: Buffer): Json {
  const text = body.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`Request body is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidInputError('Request body must be a JSON object.');
  }
  return parsed as Json;
}

export function optionalString(input: Json, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidInputError(`${member} must be a string.`);
  return value;
}

export function requireString(input: Json, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') {
    throw new InvalidInputError(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function requireName(input: Json, member = 'name'): string {
  const value = requireString(input, member);
  if (value.length > 63 || !NAME_PATTERN.test(value)) {
    throw new InvalidInputError(
      `1 validation error detected: Value '${clip(value)}' at '${member}' failed to satisfy constraint: Member must have length less than or equal to 63 and satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\\-_]*`,
    );
  }
  return value;
}

export function checkArn(value: string, member: string): string {
  if (value.length > 256 || !ARN_PATTERN.test(value)) {
    throw new InvalidInputError(
      `1 validation error detected: Value '${clip(value)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:([a-z\\d-]+):personalize:.*:.*:.+`,
    );
  }
  return value;
}

export function requireArn(input: Json, member: string): string {
  return checkArn(requireString(input, member), member);
}

export function optionalArn(input: Json, member: string): string | undefined {
  const value = optionalString(input, member);
  return value === undefined ? undefined : checkArn(value, member);
}

export function optionalBoolean(input: Json, member: string): boolean | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidInputError(`${member} must be a boolean.`);
  return value;
}

export function optionalInteger(input: Json, member: string, min: number, max: number): number | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(
      `1 validation error detected: Value '${clip(String(value))}' at '${member}' failed to satisfy constraint: Member must be an integer between ${min} and ${max}`,
    );
  }
  return value;
}

export function optionalEnum<T extends string>(input: Json, member: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(input, member);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidInputError(
      `1 validation error detected: Value '${clip(value)}' at '${member}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
    );
  }
  return value as T;
}

export function optionalObject(input: Json, member: string): Json | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInputError(`${member} must be an object.`);
  return value as Json;
}

export function requireObject(input: Json, member: string): Json {
  const value = optionalObject(input, member);
  if (value === undefined) {
    throw new InvalidInputError(
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalStringMap(input: Json, member: string, maxKeys: number): Record<string, string> | undefined {
  const value = optionalObject(input, member);
  if (value === undefined) return undefined;
  const entries = Object.entries(value);
  if (entries.length > maxKeys) throw new InvalidInputError(`${member} must have at most ${maxKeys} entries.`);
  for (const [key, entry] of entries) {
    if (typeof entry !== 'string') throw new InvalidInputError(`${member}.${clip(key)} must be a string.`);
  }
  return value as Record<string, string>;
}

export function requireStringList(input: Json, member: string, min: number, max: number): string[] {
  const value = input[member];
  if (!Array.isArray(value) || value.length < min || value.length > max || value.some((entry) => typeof entry !== 'string')) {
    throw new InvalidInputError(
      `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must be a list of ${min} to ${max} strings`,
    );
  }
  return value as string[];
}

export const MAX_TAGS = 50;

/** Reads the `tags` member ([{tagKey, tagValue}]) into a key → value map. */
export function readTags(input: Json, member = 'tags'): Record<string, string> {
  const value = input[member];
  if (value === undefined || value === null) return {};
  if (!Array.isArray(value)) throw new InvalidInputError(`${member} must be a list of {tagKey, tagValue}.`);
  const tags: Record<string, string> = {};
  value.forEach((tag: unknown, index) => {
    const entry = (tag ?? {}) as Json;
    const key = entry['tagKey'];
    const tagValue = entry['tagValue'];
    if (typeof key !== 'string' || key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      throw new InvalidInputError(`${member}[${index}].tagKey must be 1-128 characters and must not start with "aws:".`);
    }
    if (typeof tagValue !== 'string' || tagValue.length > 256) {
      throw new InvalidInputError(`${member}[${index}].tagValue must be a string of at most 256 characters.`);
    }
    tags[key] = tagValue;
  });
  if (Object.keys(tags).length > MAX_TAGS) {
    throw new TooManyTagsError(`Cannot apply more than ${MAX_TAGS} tags to a resource.`);
  }
  return tags;
}

/** botocore's RoleArn pattern: an IAM role, not a Personalize ARN. */
const ROLE_ARN_PATTERN = /^arn:([a-z\d-]+):iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;

export function optionalRoleArn(input: Json, member = 'roleArn'): string | undefined {
  const value = optionalString(input, member);
  if (value !== undefined && (value.length > 256 || !ROLE_ARN_PATTERN.test(value))) {
    throw new InvalidInputError(
      `1 validation error detected: Value '${clip(value)}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:([a-z\\d-]+):iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+`,
    );
  }
  return value;
}

export function requireRoleArn(input: Json, member = 'roleArn'): string {
  requireString(input, member);
  return optionalRoleArn(input, member) as string;
}
