import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  loadParameterFile,
  MAX_NAME_LENGTH,
  ParameterFileError,
  NAME_PATTERN,
  nextFireTime,
  parseParameterFileText,
  resolvePlan,
  runScopedName,
  scheduleExpressionProblem,
  validateParameterFile,
  type Plan,
} from '@recops/core';
import { fixture, fixtureNames } from './helpers';

const RUNS = { numRuns: 60 };

// ---------------------------------------------------------------------------------------------
// Arbitraries

const name = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,24}$/);
const tag = fc.record({ tagKey: fc.string({ minLength: 1, maxLength: 12 }), tagValue: fc.string({ maxLength: 12 }) });
const tags = fc.uniqueArray(tag, { selector: (t) => t.tagKey, maxLength: 4 });
const optionalTags = fc.option(tags, { nil: undefined });

const cron = fc
  .tuple(
    fc.integer({ min: 0, max: 59 }),
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min: 0, max: 23 }).map(String),
      fc.integer({ min: 1, max: 12 }).map((n) => `*/${n}`),
    ),
    fc.boolean(),
    fc.constantFrom('*', '1', '1-6', 'JAN,JUL'),
    fc.constantFrom('1', 'MON-FRI', '2,4,6', '6L', 'SUN#2'),
    fc.constantFrom('*', '2026-2099'),
  )
  .map(([minute, hour, byWeekday, month, weekday, year]) =>
    byWeekday ? `cron(${minute} ${hour} ? ${month} ${weekday} ${year})` : `cron(${minute} ${hour} * ${month} ? ${year})`,
  );
const rate = fc
  .tuple(fc.integer({ min: 1, max: 90 }), fc.constantFrom('minute', 'hour', 'day'))
  .map(([value, unit]) => `rate(${value} ${unit}${value === 1 ? '' : 's'})`);
const schedule = fc.oneof(cron, rate);

const avro = (recordName: string, fields: { name: string; type: unknown; categorical?: boolean }[]) => ({
  type: 'record',
  name: recordName,
  namespace: 'com.amazonaws.personalize.schema',
  fields,
});

const interactionsSchema = fc
  .subarray(
    [
      { name: 'EVENT_TYPE', type: 'string' },
      { name: 'EVENT_VALUE', type: 'float' },
      { name: 'DEVICE', type: ['null', 'string'], categorical: true },
    ],
    { minLength: 0 },
  )
  .map((extra) =>
    avro('Interactions', [
      { name: 'USER_ID', type: 'string' },
      { name: 'ITEM_ID', type: 'string' },
      { name: 'TIMESTAMP', type: 'long' },
      ...extra,
    ]),
  );
const usersSchema = fc.constant(
  avro('Users', [
    { name: 'USER_ID', type: 'string' },
    { name: 'AGE', type: 'int' },
  ]),
);
const itemsSchema = fc.constant(
  avro('Items', [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'GENRES', type: 'string', categorical: true },
    { name: 'CREATION_TIMESTAMP', type: 'long' },
  ]),
);

const RECIPES = {
  personalization: 'arn:aws:personalize:::recipe/aws-user-personalization',
  sims: 'arn:aws:personalize:::recipe/aws-sims',
  ranking: 'arn:aws:personalize:::recipe/aws-personalized-ranking',
  segment: 'arn:aws:personalize:::recipe/aws-item-affinity',
} as const;

const batchJob = fc.record(
  {
    serviceConfig: fc.record({ tags, numResults: fc.integer({ min: 1, max: 500 }) }, { requiredKeys: [] }),
    workflowConfig: fc.record({ schedule }),
  },
  { requiredKeys: ['serviceConfig'] },
);

const solution = (solutionName: string, campaignName: string) =>
  fc.constantFrom(...(Object.keys(RECIPES) as (keyof typeof RECIPES)[])).chain((kind) =>
    fc.record(
      {
        serviceConfig: fc.record(
          {
            name: fc.constant(solutionName),
            recipeArn: fc.constant(RECIPES[kind]),
            performHPO: fc.boolean(),
            tags,
            solutionVersion: fc.record(
              { trainingMode: fc.constant(kind === 'personalization' ? 'UPDATE' : 'FULL'), tags },
              { requiredKeys: [] },
            ),
          },
          { requiredKeys: ['name', 'recipeArn'] },
        ),
        workflowConfig: fc.record({
          schedules: fc.record<Record<string, string>>(
            kind === 'personalization' ? { full: schedule, update: schedule } : { full: schedule },
            { requiredKeys: [] },
          ),
        }),
        campaigns:
          kind === 'segment'
            ? fc.constant([])
            : fc.array(
                fc.record({
                  serviceConfig: fc.record({ name: fc.constant(campaignName), minProvisionedTPS: fc.integer({ min: 1, max: 10 }) }),
                }),
                {
                  maxLength: 1,
                },
              ),
        batchInferenceJobs: kind === 'segment' ? fc.constant([]) : fc.array(batchJob, { maxLength: 2 }),
        batchSegmentJobs: kind === 'segment' ? fc.array(batchJob, { maxLength: 2 }) : fc.constant([]),
      },
      { requiredKeys: ['serviceConfig'] },
    ),
  );

/** Valid MPE-format parameter files with unique resource names. */
const mpeFile = fc
  .uniqueArray(name, { minLength: 14, maxLength: 14 })
  .chain(([dsg, users, items, interactions, s1, s2, c1, c2, tracker, f1, f2, us, is, xs]) =>
    fc.record(
      {
        tags: optionalTags,
        datasetGroup: fc.record(
          {
            serviceConfig: fc.record({ name: fc.constant(dsg as string), tags }, { requiredKeys: ['name'] }),
            workflowConfig: fc.record({ schedules: fc.record({ import: schedule }) }),
          },
          { requiredKeys: ['serviceConfig'] },
        ),
        datasets: fc.record(
          {
            serviceConfig: fc.record({ importMode: fc.constantFrom('FULL', 'INCREMENTAL'), tags }, { requiredKeys: [] }),
            interactions: fc.record({
              dataset: fc.record({
                serviceConfig: fc.record({ name: fc.constant(interactions as string), tags }, { requiredKeys: ['name'] }),
              }),
              schema: fc.record({ serviceConfig: fc.record({ name: fc.constant(xs as string), schema: interactionsSchema }) }),
            }),
            users: fc.record({
              dataset: fc.record({ serviceConfig: fc.record({ name: fc.constant(users as string), tags }, { requiredKeys: ['name'] }) }),
              schema: fc.record({ serviceConfig: fc.record({ name: fc.constant(us as string), schema: usersSchema }) }),
            }),
            items: fc.record({
              dataset: fc.record({ serviceConfig: fc.record({ name: fc.constant(items as string) }) }),
              schema: fc.record({ serviceConfig: fc.record({ name: fc.constant(is as string), schema: itemsSchema }) }),
            }),
          },
          { requiredKeys: ['interactions'] },
        ),
        eventTracker: fc.record({ serviceConfig: fc.record({ name: fc.constant(tracker as string), tags }, { requiredKeys: ['name'] }) }),
        filters: fc.subarray([
          { serviceConfig: { name: f1 as string, filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")' } },
          {
            serviceConfig: {
              name: f2 as string,
              filterExpression: 'INCLUDE ItemID WHERE Items.GENRES IN ($GENRE)',
              tags: [{ tagKey: 'f', tagValue: 'x' }],
            },
          },
        ]),
        solutions: fc.tuple(solution(s1 as string, c1 as string), solution(s2 as string, c2 as string)).chain((both) => fc.subarray(both)),
      },
      { requiredKeys: ['datasetGroup', 'datasets'] },
    ),
  );

/** Any JSON value, or a published file with one value somewhere replaced, removed or added. */
const jsonValue = fc.jsonValue({ maxDepth: 4 });
const mutatedFixture = fc
  .tuple(
    fc.constantFrom(...fixtureNames()),
    fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
    fc.constantFrom('replace', 'delete', 'add'),
    jsonValue,
  )
  .map(([fixtureName, steps, action, value]) => {
    const root = fixture(fixtureName);
    let node: any = root;
    for (const step of steps) {
      const keys = node !== null && typeof node === 'object' ? Object.keys(node) : [];
      if (keys.length === 0) break;
      const key = keys[step % keys.length] as string;
      const child = node[key];
      if (child === null || typeof child !== 'object' || step % 3 === 0) {
        if (action === 'delete') delete node[key];
        else if (action === 'add') node[`${key}x`] = value;
        else node[key] = value;
        return root;
      }
      node = child;
    }
    return root;
  });

// ---------------------------------------------------------------------------------------------

describe('Property: parsing never throws', () => {
  it('returns a result for any JSON value, and only errors with a path', () => {
    fc.assert(
      fc.property(fc.oneof(jsonValue, mutatedFixture), (value) => {
        const result = validateParameterFile(value);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          for (const error of result.errors) {
            expect(typeof error.path).toBe('string');
            expect(error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('returns a result for any text, and the throwing variant throws only ParameterFileError', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 60 }),
      jsonValue.map((v) => JSON.stringify(v).slice(0, 40)),
      mutatedFixture.map((f) => JSON.stringify(f, null, 2)),
    );
    fc.assert(
      fc.property(text, (source) => {
        const result = parseParameterFileText(source);
        expect(typeof result.ok).toBe('boolean');
        try {
          loadParameterFile(source);
          expect(result.ok).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ParameterFileError);
          expect(result.ok).toBe(false);
        }
      }),
      RUNS,
    );
  });
});

describe('Property: valid files round-trip through the resolver', () => {
  const allNames = (plan: Plan): string[] => [
    plan.datasetGroup.name,
    ...plan.datasets.flatMap((d) => [d.name, d.schema.name, d.importJob?.jobName ?? d.name]),
    ...plan.filters.map((f) => f.name),
    ...(plan.eventTracker ? [plan.eventTracker.name] : []),
    ...plan.solutions.flatMap((s) => [
      s.name,
      s.version?.name ?? s.name,
      ...s.campaigns.map((c) => c.name),
      ...s.batchInferenceJobs.map((j) => j.jobName),
      ...s.batchSegmentJobs.map((j) => j.jobName),
    ]),
  ];

  it('validates every generated file and resolves it to a plan that keeps every resource, name and tag', () => {
    fc.assert(
      fc.property(mpeFile, fc.date({ min: new Date('2020-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), (file, when) => {
        // Act: through JSON text, as a file in the bucket would arrive
        const result = parseParameterFileText(JSON.stringify(file));
        expect(result.ok ? [] : result.errors).toEqual([]);
        if (!result.ok) return;
        const runStamp = when.toISOString().slice(0, 19).replace(/[-T:]/g, '_');
        const plan = resolvePlan(result.file, { stage: 'prod', bucket: 'bucket', configKey: 'train/x/config.json', runStamp });

        // Assess: same resources
        expect(plan.datasetGroup.name).toBe(file.datasetGroup.serviceConfig.name);
        expect(plan.solutions.map((s) => s.name)).toEqual((file.solutions ?? []).map((s: any) => s.serviceConfig.name));
        expect(plan.filters.map((f) => f.name)).toEqual((file.filters ?? []).map((f: any) => f.serviceConfig.name));
        expect(plan.datasets.map((d) => d.type).sort()).toEqual(
          Object.keys(file.datasets)
            .filter((k) => k !== 'serviceConfig')
            .map((k) => k.toUpperCase())
            .sort(),
        );

        // every name is one Personalize accepts
        for (const resourceName of allNames(plan)) {
          expect(resourceName).toMatch(NAME_PATTERN);
          expect(resourceName.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        }

        // tags: own, else root
        const root = file.tags ?? [];
        const own = file.datasetGroup.serviceConfig.tags;
        expect(plan.datasetGroup.tags).toEqual(own && own.length > 0 ? own : root);
        plan.solutions.forEach((s, i) => {
          const ownTags = (file.solutions as any[])[i].serviceConfig.tags;
          expect(s.tags).toEqual(ownTags && ownTags.length > 0 ? ownTags : root);
        });

        // every schedule in the file is in the plan, once, with a unique name
        const expressions = [
          file.datasetGroup.workflowConfig?.schedules.import,
          ...(file.solutions ?? []).flatMap((s: any) => [
            s.workflowConfig?.schedules.full,
            s.workflowConfig?.schedules.update,
            ...[...(s.batchInferenceJobs ?? []), ...(s.batchSegmentJobs ?? [])].map((j: any) => j.workflowConfig?.schedule),
          ]),
        ].filter((e) => e !== undefined);
        expect(plan.schedules.map((s) => s.expression).sort()).toEqual(expressions.sort());
        expect(new Set(plan.schedules.map((s) => s.name)).size).toBe(plan.schedules.length);

        // data next to the config; resolving again gives the same plan
        for (const dataset of plan.datasets) expect(dataset.importJob?.dataLocation.uri).toMatch(/^s3:\/\/bucket\/train\/x\/[a-z_]+\.csv$/);
        expect(resolvePlan(result.file, { stage: 'prod', bucket: 'bucket', configKey: 'train/x/config.json', runStamp })).toEqual(plan);
      }),
      RUNS,
    );
  });
});

describe('Property: names and schedules', () => {
  it('keeps run-scoped names valid, bounded and distinct', () => {
    const longName = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/);
    fc.assert(
      fc.property(longName, longName, (a, b) => {
        const stamp = '2026_11_25_13_00_00';
        const scoped = runScopedName(a, stamp);
        expect(scoped).toMatch(NAME_PATTERN);
        expect(scoped.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(scoped.endsWith(`_${stamp}`)).toBe(true);
        expect(runScopedName(a, stamp)).toBe(scoped);
        if (a !== b) expect(runScopedName(b, stamp)).not.toBe(scoped);
      }),
      RUNS,
    );
  });

  it('finds the next firing of every generated schedule after the start', () => {
    fc.assert(
      fc.property(
        schedule,
        fc.date({ min: new Date('2026-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
        (expression, from) => {
          expect(scheduleExpressionProblem(expression)).toBeUndefined();
          const next = nextFireTime(expression, from);
          expect(next).not.toBeNull();
          expect((next as Date).getTime()).toBeGreaterThan(from.getTime());
        },
      ),
      RUNS,
    );
  });
});
