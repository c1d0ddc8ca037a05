import { describe, expect, it } from 'vitest';
import {
  loadParameterFile,
  ParameterFileError,
  ParameterFileSyntaxError,
  parseParameterFileText,
  validateParameterFile,
  type ParameterFileIssue,
} from '@recops/core';
import { fixture, minimalFile } from './helpers';

function errorsOf(file: unknown): readonly ParameterFileIssue[] {
  const result = validateParameterFile(file);
  return result.ok ? [] : result.errors;
}

/** Asserts the file is refused with an error at exactly `path` whose message contains `text`. */
function expectRefused(file: unknown, path: string, text: string | RegExp): void {
  const errors = errorsOf(file);
  const atPath = errors.filter((e) => e.path === path);
  expect(atPath, `errors were ${JSON.stringify(errors)}`).not.toHaveLength(0);
  expect(atPath.map((e) => e.message).join('\n')).toMatch(text);
}

const interactionsFields = (file: Record<string, any>) => file.datasets.interactions.schema.serviceConfig.schema.fields;

describe('Function: validateParameterFile, names', () => {
  it('refuses a name with a character outside the pattern, naming the path', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[1].serviceConfig.name = 'popularity count';
    expectRefused(file, 'solutions[1].serviceConfig.name', /must match \^\[a-zA-Z0-9\]\[a-zA-Z0-9\\-_\]\*\$/);
  });

  it('refuses a name starting with a dash', () => {
    const file = minimalFile();
    file.datasetGroup.serviceConfig.name = '-dsg';
    expectRefused(file, 'datasetGroup.serviceConfig.name', 'must match');
  });

  it('refuses a name longer than 63 characters and accepts one of exactly 63', () => {
    const file = minimalFile();
    file.datasets.interactions.dataset.serviceConfig.name = 'a'.repeat(64);
    expectRefused(file, 'datasets.interactions.dataset.serviceConfig.name', 'at most 63 characters (has 64)');
    file.datasets.interactions.dataset.serviceConfig.name = 'a'.repeat(63);
    expect(errorsOf(file)).toEqual([]);
  });

  it('refuses a CDK schema whose created name <datasetGroup>-<name>-<version> is too long', () => {
    const file = fixture('cdk/input_media.json');
    file.datasetGroup.datasets[0].schema.serviceConfig.name = 'S'.repeat(40);
    expectRefused(file, 'datasetGroup.datasets[0].schema.serviceConfig.name', /as created.*at most 63/);
  });

  it('refuses two solutions with the same name', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[2].serviceConfig.name = 'sims-solution';
    expectRefused(
      file,
      'solutions[2].serviceConfig.name',
      'duplicate solution name "sims-solution" (also at solutions[0].serviceConfig.name)',
    );
  });
});

describe('Function: validateParameterFile, recipes', () => {
  it('refuses an unknown recipe', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-simz';
    expectRefused(file, 'solutions[0].serviceConfig.recipeArn', 'unknown recipe "arn:aws:personalize:::recipe/aws-simz"');
  });

  it('refuses a domain recipe in a solution and a custom recipe in a recommender', () => {
    const file = fixture('mpe/sample_config_wtags.json');
    file.solutions[2].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-vod-top-picks';
    file.recommenders[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-sims';
    expectRefused(file, 'solutions[2].serviceConfig.recipeArn', 'domain recipe');
    expectRefused(file, 'recommenders[0].serviceConfig.recipeArn', 'not a domain recipe');
  });

  it('refuses batch segment jobs on a recipe that cannot segment, and batch inference on one that only segments', () => {
    const file = fixture('mpe/sample_config.json');
    file.solutions[2].batchSegmentJobs = [{ serviceConfig: {} }];
    file.solutions[0].batchInferenceJobs = [{ serviceConfig: {} }];
    expectRefused(file, 'solutions[2].batchSegmentJobs[0]', 'aws-sims (RELATED_ITEMS) does not support batch segment jobs');
    expectRefused(
      file,
      'solutions[0].batchInferenceJobs[0]',
      'aws-item-affinity (USER_SEGMENTATION) does not support batch inference jobs',
    );
  });

  it('refuses an update schedule on a recipe without UPDATE training', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[0].workflowConfig.schedules.update = 'cron(0 12 * * ? *)';
    expectRefused(file, 'solutions[0].workflowConfig.schedules.update', 'aws-sims does not support trainingMode UPDATE');
    file.solutions[0].workflowConfig.schedules.update = undefined;
    file.solutions[2].workflowConfig.schedules.update = 'cron(0 12 * * ? *)';
    expect(errorsOf(file)).toEqual([]);
  });
});

describe('Function: validateParameterFile, schedules', () => {
  it.each([
    ['cron(0 0 * * * *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 0 ? * ? *)', 'exactly one of day-of-month and day-of-week must be "?"'],
    ['cron(0 */6 * * ?)', 'six fields'],
    ['cron(0 25 * * ? *)', 'hours field "25": 25 is outside 0-23'],
    ['cron(0 x * * ? *)', 'hours field "x": "x" is not a number'],
    ['cron(0 1a * * ? *)', '"1a" is not a number'],
    ['cron(? 0 * * ? *)', '"?" is only allowed in day-of-month or day-of-week'],
    ['cron(0 5-2 * * ? *)', 'starts after it ends'],
    ['cron(0 0 ? * MON#6 *)', 'week number after "#" must be 1-5'],
    ['rate(1 hours)', 'singular unit'],
    ['rate(5 hour)', 'plural unit'],
    ['rate(0 hours)', 'positive integer'],
    ['rate(5 weeks)', 'rate(…) must be'],
    ['every day', 'cron(…) or rate(…)'],
  ])('refuses the import schedule %s', (expression, text) => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.datasetGroup.workflowConfig.schedules.import = expression;
    expectRefused(file, 'datasetGroup.workflowConfig.schedules.import', text);
  });

  it('refuses a bad batch job schedule at its path', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[2].batchInferenceJobs[0].workflowConfig.schedule = 'cron(0 3 * * * *)';
    expectRefused(file, 'solutions[2].batchInferenceJobs[0].workflowConfig.schedule', 'exactly one of');
  });

  it.each([
    'cron(0/15 * ? * MON-FRI *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 ? * 6L 2026-2030)',
    'cron(0 8 15W * ? *)',
    'rate(1 day)',
    'rate(12 hours)',
  ])('accepts %s', (expression) => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[0].workflowConfig.schedules.full = expression;
    expect(errorsOf(file)).toEqual([]);
  });

  it('refuses an autoTrainingConfig period Personalize does not take', () => {
    const file = fixture('cdk/input_media_custom.json');
    file.solutions[0].serviceConfig.solutionConfig.autoTrainingConfig.schedulingExpression = 'rate(31 days)';
    expectRefused(
      file,
      'solutions[0].serviceConfig.solutionConfig.autoTrainingConfig.schedulingExpression',
      'rate(N days) with N from 1 to 30',
    );
  });
});

describe('Function: validateParameterFile, tags', () => {
  const manyTags = (n: number) => Array.from({ length: n }, (_, i) => ({ tagKey: `k${i}`, tagValue: `v${i}` }));

  it('refuses more than 50 tags on a resource and accepts 50', () => {
    const file = fixture('mpe/sample_config_wtags.json');
    file.solutions[0].serviceConfig.tags = manyTags(51);
    expectRefused(file, 'solutions[0].serviceConfig.tags', 'at most 50 tags per resource (has 51)');
    file.solutions[0].serviceConfig.tags = manyTags(50);
    expect(errorsOf(file)).toEqual([]);
  });

  it('refuses a repeated tag key, naming the repeated entry', () => {
    const file = fixture('mpe/sample_config_wtags.json');
    file.eventTracker.serviceConfig.tags.push({ tagKey: 'tag10', tagValue: 'other' });
    expectRefused(file, 'eventTracker.serviceConfig.tags[1].tagKey', 'duplicate tag key "tag10"');
  });

  it('refuses a tag without a key', () => {
    const file = fixture('mpe/sample_config_wtags.json');
    file.tags = [{ tagValue: 'v' }];
    expectRefused(file, 'tags[0].tagKey', 'is required');
  });
});

describe('Function: validateParameterFile, Avro schemas', () => {
  it('refuses an interactions schema without USER_ID', () => {
    const file = minimalFile();
    interactionsFields(file).splice(0, 1);
    expectRefused(
      file,
      'datasets.interactions.schema.serviceConfig.schema.fields',
      'an INTERACTIONS schema needs field USER_ID ("string")',
    );
  });

  it('refuses a required field of the wrong type', () => {
    const file = minimalFile();
    interactionsFields(file)[2].type = 'string';
    expectRefused(
      file,
      'datasets.interactions.schema.serviceConfig.schema.fields[2].type',
      'required field TIMESTAMP of an INTERACTIONS schema must be "long"',
    );
  });

  it('refuses a nullable ID field', () => {
    const file = fixture('mpe/sample_config.json');
    file.datasets.users.schema.serviceConfig.schema.fields[0].type = ['null', 'string'];
    expectRefused(file, 'datasets.users.schema.serviceConfig.schema.fields[0].type', 'required field USER_ID of a USERS schema');
  });

  it('refuses a users schema with no metadata field', () => {
    const file = fixture('mpe/sample_config.json');
    file.datasets.users.schema.serviceConfig.schema.fields.splice(1);
    expectRefused(file, 'datasets.users.schema.serviceConfig.schema.fields', 'at least one field besides USER_ID');
  });

  it('refuses a nested field type', () => {
    const file = minimalFile();
    interactionsFields(file).push({ name: 'TAGS', type: { type: 'array', items: 'string' } });
    expectRefused(file, 'datasets.interactions.schema.serviceConfig.schema.fields[3].type', 'does not match any allowed form');
  });

  it('refuses a categorical number and a categorical EVENT_TYPE', () => {
    const file = minimalFile();
    interactionsFields(file).push(
      { name: 'EVENT_TYPE', type: 'string', categorical: true },
      { name: 'PRICE', type: 'float', categorical: true },
    );
    expectRefused(file, 'datasets.interactions.schema.serviceConfig.schema.fields[3].categorical', 'EVENT_TYPE must not be categorical');
    expectRefused(file, 'datasets.interactions.schema.serviceConfig.schema.fields[4].categorical', 'only string fields can be categorical');
  });

  it('refuses a textual field outside items, and field names equal in letters and digits', () => {
    const file = fixture('cdk/input_retail.json');
    file.datasetGroup.datasets[0].schema.serviceConfig.schema.fields.push(
      { name: 'BIO', type: 'string', textual: true },
      { name: 'USERID', type: 'string', categorical: true },
    );
    expectRefused(
      file,
      'datasetGroup.datasets[0].schema.serviceConfig.schema.fields[3].textual',
      'textual fields are allowed only in ITEMS',
    );
    expectRefused(file, 'datasetGroup.datasets[0].schema.serviceConfig.schema.fields[4].name', 'collides with fields[0]');
  });

  it('refuses a schema that is not a record', () => {
    const file = minimalFile();
    file.datasets.interactions.schema.serviceConfig.schema.type = 'enum';
    expectRefused(file, 'datasets.interactions.schema.serviceConfig.schema.type', 'must be one of "record"');
  });

  it('refuses an ACTION_INTERACTIONS dataset without an ACTIONS dataset', () => {
    const file = fixture('cdk/input_media_custom.json');
    file.datasetGroup.datasets.splice(3, 1);
    expectRefused(file, 'datasetGroup.datasets[3].type', 'needs an ACTIONS dataset');
  });

  it('refuses a file whose datasets lack INTERACTIONS', () => {
    const file = fixture('mpe/sample_config.json');
    delete file.datasets.interactions;
    expectRefused(file, 'datasets.interactions', 'an INTERACTIONS dataset is required');
  });
});

describe('Function: validateParameterFile, keys and shapes', () => {
  it('refuses unknown keys at their path', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[2].campaigns[0].serviceConfig.minProvisionedTps = 2;
    file.datasetGroup.workflowConfig.schedule = { import: 'rate(1 day)' };
    file.extra = true;
    const errors = errorsOf(file);
    expect(errors).toContainEqual({
      path: 'solutions[2].campaigns[0].serviceConfig.minProvisionedTps',
      message: 'unknown key "minProvisionedTps"',
    });
    expect(errors).toContainEqual({ path: 'datasetGroup.workflowConfig.schedule', message: 'unknown key "schedule"' });
    expect(errors).toContainEqual({ path: 'extra', message: 'unknown key "extra"' });
  });

  it('returns every broken rule at once', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.datasetGroup.serviceConfig.name = 'bad name';
    file.solutions[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/none';
    file.filters[1].serviceConfig.tags = [
      { tagKey: 'a', tagValue: '1' },
      { tagKey: 'a', tagValue: '2' },
    ];
    file.datasets.users.schema.serviceConfig.schema.fields[0].type = 'int';
    file.solutions[2].batchInferenceJobs[0].workflowConfig.schedule = 'cron(bad)';
    expect(errorsOf(file).map((e) => e.path)).toEqual([
      'datasetGroup.serviceConfig.name',
      'datasets.users.schema.serviceConfig.schema.fields[0].type',
      'filters[1].serviceConfig.tags[1].tagKey',
      'solutions[0].serviceConfig.recipeArn',
      'solutions[2].batchInferenceJobs[0].workflowConfig.schedule',
    ]);
  });

  it('refuses a value of the wrong type, saying what it got', () => {
    const file = fixture('seed-examples/mpe-sample-full.json');
    file.solutions[2].campaigns[0].serviceConfig.minProvisionedTPS = '1';
    expectRefused(file, 'solutions[2].campaigns[0].serviceConfig.minProvisionedTPS', 'expected number, got string');
  });

  it('refuses a CDK campaign solutionversion that is not a solution version ARN', () => {
    const file = fixture('cdk/input_media.json');
    file.solutions[0].campaigns[0].solutionversion = 'latest';
    expectRefused(file, 'solutions[0].campaigns[0].solutionversion', 'empty or a solution version ARN');
    file.solutions[0].campaigns[0].solutionversion = 'arn:aws:personalize:us-east-1:123456789012:solution/s1/1a2b3c4d';
    expect(errorsOf(file)).toEqual([]);
  });

  it('refuses a missing dataset group', () => {
    expectRefused({}, 'datasetGroup', 'is required');
    expectRefused([], '$', 'expected object, got array');
  });
});

describe('Function: parseParameterFileText and loadParameterFile', () => {
  it('reports the line and column of a JSON syntax error', () => {
    const result = parseParameterFileText('{\n  "datasetGroup": {\n    "serviceConfig": { "name": "x", }\n  }\n}');
    expect(result).toEqual({ ok: false, errors: [{ path: '$', message: expect.stringMatching(/^invalid JSON at line 3, column 37: /) }] });
  });

  it('reports a syntax error V8 states without a position', () => {
    const result = parseParameterFileText('{"a": 1,\n "b": }');
    expect(result.ok ? '' : result.errors[0]?.message).toMatch(/^invalid JSON at line 2, column 7: Unexpected token/);
  });

  it('reports truncated text at its end', () => {
    const result = parseParameterFileText('{\n "a": [1, 2');
    expect(result.ok ? '' : result.errors[0]?.message).toMatch(/^invalid JSON at line 2, column 12/);
  });

  it('throws ParameterFileSyntaxError with line and column, and ParameterFileError with every issue', () => {
    expect(() => loadParameterFile('{]')).toThrow(ParameterFileSyntaxError);
    try {
      loadParameterFile('{]');
    } catch (error) {
      expect(error).toMatchObject({ line: 1, column: 2 });
    }
    const broken = fixture('seed-examples/mpe-sample-full.json');
    broken.solutions[0].serviceConfig.name = 'a b';
    broken.unknown = 1;
    try {
      loadParameterFile(JSON.stringify(broken));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParameterFileError);
      expect((error as ParameterFileError).issues).toHaveLength(2);
      expect((error as Error).message).toContain('solutions[0].serviceConfig.name: name must match');
    }
  });
});

describe('Function: validateParameterFile, recommenders', () => {
  it('refuses a recommender recipe of the other domain', () => {
    const file = fixture('cdk/input_media.json');
    file.recommenders[0].serviceConfig.recipeArn = 'arn:aws:personalize:::recipe/aws-ecomm-recommended-for-you';
    expectRefused(file, 'recommenders[0].serviceConfig.recipeArn', "ECOMMERCE recipe but the dataset group's domain is VIDEO_ON_DEMAND");
  });

  it('warns about a recommender in a dataset group without a domain (mpe/sample_config_wtags.json)', () => {
    const result = validateParameterFile(fixture('mpe/sample_config_wtags.json'));
    expect(result.ok ? result.warnings : []).toEqual([
      { path: 'recommenders[0]', message: expect.stringContaining('domain dataset group') },
    ]);
  });
});
