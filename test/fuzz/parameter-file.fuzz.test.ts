/**
 * Fuzz: the parameter file. Any JSON value, any text, and mutations of every fixture must be
 * accepted or rejected with issues that carry a path; the throwing loader throws nothing but
 * ParameterFileError. Never anything else (no TypeError, no RangeError, no hang).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParameterFileError, loadParameterFile, parseParameterFileText, validateParameterFile } from '@recops/core';
import { fixture, fixtureNames } from '../core/helpers';
import { FUZZ_TIMEOUT_MS, fuzzParameters, reportPassed, sometimesHuge } from './settings';

const FIXTURES = fixtureNames();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  sometimesHuge,
  fc.constantFrom<Json>(null, -1, 0, 1e308, -1e-308, '', ' ', '../../etc/passwd', '__proto__', 'constructor', [], {}, true),
  fc.constant<Json>(JSON.parse('{"__proto__":{"polluted":true}}') as Json),
);

/** Paths to every node of a JSON tree, collected into one array (spreading a large tree overflowed the stack). */
function pathsOf(value: Json, prefix: (string | number)[] = [], paths: (string | number)[][] = []): (string | number)[][] {
  paths.push(prefix);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...prefix, index], paths));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], paths);
  return paths;
}

type Mutation = { kind: 'replace' | 'delete' | 'duplicate' | 'wrap'; pick: number; value: Json };

function mutate(root: Json, mutations: readonly Mutation[]): Json {
  let tree = structuredClone(root);
  for (const mutation of mutations) {
    const paths = pathsOf(tree);
    const path = paths[mutation.pick % paths.length] as (string | number)[];
    if (path.length === 0) {
      tree = mutation.kind === 'wrap' ? [tree] : structuredClone(mutation.value);
      continue;
    }
    const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key as string] as Json, tree) as
      | Record<string, Json>
      | Json[];
    const key = path[path.length - 1] as string | number;
    const current = (parent as Record<string | number, Json>)[key] as Json;
    if (mutation.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
    } else if (mutation.kind === 'replace') (parent as Record<string | number, Json>)[key] = mutation.value;
    else if (mutation.kind === 'duplicate')
      (parent as Record<string | number, Json>)[key] = structuredClone(
        Array.isArray(current) ? [...current, ...current] : [current, current],
      );
    else (parent as Record<string | number, Json>)[key] = { value: current };
  }
  return tree;
}

const mutation = fc.record<Mutation>({ kind: fc.constantFrom('replace', 'delete', 'duplicate', 'wrap'), pick: fc.nat(), value: oddValue });
const mutatedFixture = fc
  .tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([name, mutations]) => mutate(fixture(name) as Json, mutations));

const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  mutatedFixture.map((file) => JSON.stringify(file)),
  mutatedFixture.map((file) => JSON.stringify(file).slice(0, 300)),
  fc.constantFrom('', '\ufeff{}', '{', '[]', 'null', '{"datasetGroup":', '\u0000', '{"a":1,"a":2}', '1e999', '"\\ud800"'),
  fc.nat({ max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
);

function checkResult(result: ReturnType<typeof validateParameterFile>): void {
  if (result.ok) return;
  expect(result.errors.length).toBeGreaterThan(0);
  for (const issue of result.errors) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    // An issue quotes at most a bounded part of the value it complains about.
    expect(issue.message.length).toBeLessThan(2_000);
  }
}

describe('Fuzz: parameter file', () => {
  it(
    'accepts or rejects every mutated fixture and JSON value with a path, never throws',
    () => {
      const parameters = fuzzParameters('parameter-file (values)', 10_000, 150);
      fc.assert(
        fc.property(fc.oneof(mutatedFixture, oddValue), (value) => {
          checkResult(validateParameterFile(value));
        }),
        parameters,
      );
      reportPassed('parameter-file (values)', parameters.numRuns ?? 0);
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    'accepts or rejects any text; the throwing loader throws only ParameterFileError',
    () => {
      const parameters = fuzzParameters('parameter-file (text)', 10_000, 150);
      fc.assert(
        fc.property(text, (source) => {
          const result = parseParameterFileText(source);
          checkResult(result);
          try {
            loadParameterFile(source);
            expect(result.ok).toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(ParameterFileError);
            expect(result.ok).toBe(false);
          }
        }),
        parameters,
      );
      reportPassed('parameter-file (text)', parameters.numRuns ?? 0);
    },
    FUZZ_TIMEOUT_MS,
  );
});
