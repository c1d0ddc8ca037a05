import { describe, expect, it } from 'vitest';
import { loadParameterFile, resolvePlan, validateParameterFile } from '@recops/core';
import { decide, type GateSettings, type LiveVersion } from '../../../services/model-evaluator/gate';

const CANDIDATE = 'arn:aws:personalize:us-east-1:123456789012:solution/sol/v2';
const LIVE_ARN = 'arn:aws:personalize:us-east-1:123456789012:solution/sol/v1';
const NDCG = 'normalized_discounted_cumulative_gain_at_10';

const settings = (overrides: Partial<GateSettings> = {}): GateSettings => ({
  metric: NDCG,
  margin: 0,
  enabled: true,
  metricChosen: false,
  sourcePath: 'solutions[0].workflowConfig.promotionGate',
  ...overrides,
});
const live = (value: number): LiveVersion => ({
  solutionVersionArn: LIVE_ARN,
  source: 'campaign',
  description: 'served by campaign c',
  metrics: { [NDCG]: value },
});

describe('Function: decide (promotion gate)', () => {
  it('promotes a first version without comparison', () => {
    const decision = decide(settings(), CANDIDATE, { [NDCG]: 0.1 });
    expect(decision.promoted).toBe(true);
    expect(decision.gate).toMatchObject({ metric: NDCG, candidate: 0.1, margin: 0 });
    expect(decision.gate.baseline).toBeUndefined();
    expect(decision.gate.rule).toMatch(/first version/);
  });

  it('promotes a version at least as good as the live one plus the margin, with both figures and the rule', () => {
    const decision = decide(settings({ margin: 0.01 }), CANDIDATE, { [NDCG]: 0.31 }, live(0.3));
    expect(decision).toMatchObject({
      promoted: true,
      gate: { candidate: 0.31, baseline: 0.3, margin: 0.01, baselineSolutionVersionArn: LIVE_ARN, baselineSource: 'campaign' },
    });
    expect(decision.gate.rule).toBe(`${NDCG} 0.3100 >= 0.3000 + 0.0100 (live version, served by campaign c)`);
  });

  it('rejects a worse version, saying why with both figures', () => {
    const decision = decide(settings(), CANDIDATE, { [NDCG]: 0.25 }, live(0.3));
    expect(decision.promoted).toBe(false);
    expect(decision).toMatchObject({
      reason: `${NDCG} 0.2500 < 0.3000 + 0 (live version, served by campaign c)`,
      gate: { candidate: 0.25, baseline: 0.3 },
    });
  });

  it('promotes every version when the gate is off', () => {
    const decision = decide(settings({ enabled: false }), CANDIDATE, { [NDCG]: 0.01 }, live(0.9));
    expect(decision.promoted).toBe(true);
    expect(decision.gate).toMatchObject({ enabled: false, rule: 'promotion gate off: every version is promoted' });
  });

  it('fails naming the setting when a chosen metric is not reported, and warns when the default is not', () => {
    expect(() =>
      decide(settings({ metric: 'precision_at_7', metricChosen: true }), CANDIDATE, { [NDCG]: 0.2, coverage: 0.5 }, live(0.1)),
    ).toThrow(
      /solutions\[0\]\.workflowConfig\.promotionGate\.metric: .* reports no "precision_at_7" \(it reports: coverage, normalized_discounted_cumulative_gain_at_10\)/,
    );
    const decision = decide(settings(), CANDIDATE, { hits_at_1_percent: 0.2 }, live(0.1));
    expect(decision).toMatchObject({
      promoted: true,
      warning: expect.stringMatching(/no normalized_discounted_cumulative_gain_at_10 reported/),
    });
  });
});

describe('Parameter file: workflowConfig.promotionGate (recops extension)', () => {
  const file = (gate: unknown) => ({
    datasetGroup: { serviceConfig: { name: 'dsg' } },
    datasets: {
      interactions: {
        dataset: { serviceConfig: { name: 'interactions' } },
        schema: {
          serviceConfig: {
            name: 'interactions-schema',
            schema: {
              type: 'record',
              name: 'Interactions',
              namespace: 'com.amazonaws.personalize.schema',
              fields: [
                { name: 'USER_ID', type: 'string' },
                { name: 'ITEM_ID', type: 'string' },
                { name: 'TIMESTAMP', type: 'long' },
              ],
            },
          },
        },
      },
    },
    solutions: [
      {
        serviceConfig: { name: 'sol', recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization' },
        workflowConfig: { promotionGate: gate },
      },
    ],
  });
  const withBatchFilter = (filterArn: string) => ({
    ...file({}),
    filters: [{ serviceConfig: { name: 'recent', filterExpression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")' } }],
    solutions: [
      {
        serviceConfig: { name: 'sol', recipeArn: 'arn:aws:personalize:::recipe/aws-user-personalization' },
        batchInferenceJobs: [{ serviceConfig: { filterArn } }],
      },
    ],
  });

  it('accepts a batch job filterArn naming a filter of the file, and names the field when it names none', () => {
    expect(validateParameterFile(withBatchFilter('recent')).ok).toBe(true);
    expect(validateParameterFile(withBatchFilter('arn:aws:personalize:us-east-1:123456789012:filter/elsewhere')).ok).toBe(true);
    const result = validateParameterFile(withBatchFilter('recnet'));
    expect(result.ok).toBe(false);
    expect((result as { errors: readonly { path: string; message: string }[] }).errors).toEqual([
      {
        path: 'solutions[0].batchInferenceJobs[0].serviceConfig.filterArn',
        message: '"recnet" is neither a filter ARN nor the name of a filter in this file\'s filters',
      },
    ]);
  });

  it("resolves the gate with defaults and the file's settings", () => {
    const plan = resolvePlan(loadParameterFile(JSON.stringify(file({ margin: 0.02 }))).file, {
      stage: 'prod',
      bucket: 'b',
      configKey: 'train/dsg/config.json',
    });
    expect(plan.solutions[0]?.promotionGate).toEqual({
      sourcePath: 'solutions[0].workflowConfig.promotionGate',
      metric: NDCG,
      margin: 0.02,
      enabled: true,
    });
    const off = resolvePlan(loadParameterFile(JSON.stringify(file({ off: true, metric: 'coverage' }))).file, {
      stage: 'prod',
      bucket: 'b',
      configKey: 'k.json',
    });
    expect(off.solutions[0]?.promotionGate).toMatchObject({ metric: 'coverage', enabled: false });
  });

  it('names the field of a bad gate setting', () => {
    const result = validateParameterFile(file({ metric: 'NDCG@10', threshold: 1 }));
    expect(result.ok).toBe(false);
    const paths = (result as { errors: readonly { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining(['solutions[0].workflowConfig.promotionGate.metric', 'solutions[0].workflowConfig.promotionGate.threshold']),
    );
  });
});
