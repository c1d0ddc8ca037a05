/**
 * Fuzz: filter expressions (the engine's parser, which the local Personalize's CreateFilter uses)
 * and EventBridge event patterns (the local bus's rules). Any input is accepted or rejected with the
 * parser's own error, whose message stays short; matching any event against an accepted pattern
 * never throws.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineInputError, createEngine, type PersonalizeEngine } from '@recops/engine';
import { eventbridge } from '@recops/local';
import { MemoryBlobStore } from '../engine/helpers/memory-blobs';
import { FUZZ_TIMEOUT_MS, fuzzParameters, reportPassed, sometimesHuge } from './settings';

const WORDS = [
  'EXCLUDE',
  'INCLUDE',
  'ItemID',
  'UserID',
  'WHERE',
  'Items.GENRES',
  'Items.PRICE',
  'Users.AGE',
  'Interactions.EVENT_TYPE',
  'Interactions.EVENT_VALUE',
  'Items.CREATION_TIMESTAMP',
  'CurrentItem.GENRES',
  'IN',
  'NOT',
  'AND',
  'OR',
  '|',
  '=',
  '<',
  '>',
  '<=',
  '>=',
  '(',
  ')',
  ',',
  '"Comedy"',
  "'Drama'",
  '"a\\"b"',
  '$GENRE',
  '$',
  '"',
  "'",
  '25',
  '-1.5e3',
  'NaN',
  'Items.',
  '.',
  'LIMIT',
  '\n',
  '\t',
];
const token = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const expression = fc.oneof(
  { weight: 6, arbitrary: fc.array(token, { maxLength: 25 }).map((tokens) => tokens.join(' ')) },
  { weight: 2, arbitrary: fc.array(token, { maxLength: 25 }).map((tokens) => tokens.join('')) },
  { weight: 1, arbitrary: sometimesHuge },
  {
    weight: 1,
    arbitrary: fc.nat({ max: 3_000 }).map((depth) => `EXCLUDE ItemID WHERE ${'('.repeat(depth)}Items.GENRES IN ("a")${')'.repeat(depth)}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .nat({ max: 3_000 })
      .map((count) => `EXCLUDE ItemID WHERE ${Array.from({ length: count }, (_, i) => `Items.GENRES IN ("g${i}")`).join(' OR ')}`),
  },
);

describe('Fuzz: filter expressions', () => {
  let dataDir: string;
  let engine: PersonalizeEngine;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fuzz-filter-'));
    engine = createEngine({ dataDir, blobs: new MemoryBlobStore() });
  }, FUZZ_TIMEOUT_MS);
  afterAll(async () => {
    await engine.close();
    await rm(dataDir, { recursive: true, force: true });
  }, FUZZ_TIMEOUT_MS);

  it(
    'accepts or rejects every expression with EngineInputError and a short message',
    () => {
      const parameters = fuzzParameters('filter-expression', 10_000, 200);
      let rejected = 0;
      fc.assert(
        fc.property(expression, (text) => {
          try {
            engine.validateFilterExpression(text);
          } catch (error) {
            rejected += 1;
            expect(error).toBeInstanceOf(EngineInputError);
            expect((error as Error).message.length).toBeLessThan(2_000);
          }
        }),
        parameters,
      );
      reportPassed('filter-expression', parameters.numRuns ?? 0, `${rejected} rejected`);
    },
    FUZZ_TIMEOUT_MS,
  );
});

const PATTERN_KEYS = ['source', 'detail-type', 'detail', 'account', 'region', 'resources', 'runId', 'status', '$or'];
const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr', 'bogus'];
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.double(),
  fc.constantFrom(null, true, false),
  fc.record({ [fc.sample(fc.constantFrom(...OPERATORS), 1)[0] as string]: fc.jsonValue({ maxDepth: 2 }) }),
  fc.constantFrom(...OPERATORS).chain((operator) => fc.jsonValue({ maxDepth: 2 }).map((value) => ({ [operator]: value }))),
  fc.constant({ numeric: ['>', 0, '<=', 5] }),
  fc.constant({ 'anything-but': { prefix: 'x' } }),
);
const pattern: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(leaf, { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...PATTERN_KEYS), tie('node'), { maxKeys: 4 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;
const patternInput = fc.oneof(
  { weight: 6, arbitrary: pattern },
  { weight: 2, arbitrary: pattern.map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.nat({ max: 2_000 }).map((depth) => `${'{"detail":'.repeat(depth)}["x"]${'}'.repeat(depth)}`) },
);
const event = fc.record({
  source: fc.oneof(fc.string({ maxLength: 8 }), fc.constant('recops')),
  'detail-type': fc.string({ maxLength: 8 }),
  account: fc.constant('000000000000'),
  region: fc.constant('us-east-1'),
  resources: fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
  detail: fc.jsonValue({ maxDepth: 3 }),
});

describe('Fuzz: event patterns', () => {
  it(
    'accepts or rejects every pattern with InvalidEventPatternError; matching never throws',
    () => {
      const parameters = fuzzParameters('event-pattern', 10_000, 200);
      let accepted = 0;
      fc.assert(
        fc.property(patternInput, fc.array(event, { maxLength: 3 }), (input, events) => {
          let parsed: eventbridge.EventPattern;
          try {
            parsed = eventbridge.EventPattern.parse(input);
          } catch (error) {
            expect(error).toBeInstanceOf(eventbridge.InvalidEventPatternError);
            expect((error as Error).message.length).toBeLessThan(2_000);
            return;
          }
          accepted += 1;
          for (const candidate of events) expect(typeof parsed.matches(candidate)).toBe('boolean');
        }),
        parameters,
      );
      reportPassed('event-pattern', parameters.numRuns ?? 0, `${accepted} accepted`);
    },
    FUZZ_TIMEOUT_MS,
  );
});
