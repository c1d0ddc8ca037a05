/** `recops validate`: both published formats, every broken rule with its JSON path, placeholders, exit codes. */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recops } from './run-recops';

const FIXTURES = resolve(__dirname, '../../../shared/fixtures');

describe('CLI: recops validate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-validate-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the published MPE examples and says so, exit 0', async () => {
    const files = ['seed-examples/mpe-sample-full.json', 'seed-examples/mpe-tags-dataset-group-2.json', 'mpe/sample_config.json'].map((f) =>
      join(FIXTURES, f),
    );
    const run = await recops(['validate', ...files]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('mpe-sample-full.json: valid');
    expect(run.stdout).toContain('sample_config.json: valid');
  });

  it('prints warnings with their paths and still exits 0', async () => {
    const run = await recops(['validate', join(FIXTURES, 'mpe/sample_config_root_tags.json')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('0 errors, 2 warnings');
    expect(run.stdout).toMatch(/warning {2}solutions\[0\]\.serviceConfig\.recipeArn: no recipeArn/);
  });

  it('reports every placeholder of the CDK example at its JSON path and exits 1', async () => {
    const run = await recops(['validate', '--json', join(FIXTURES, 'cdk/input_retail.json')]);
    expect(run.code).toBe(1);
    const [report] = JSON.parse(run.stdout) as { ok: boolean; issues: { severity: string; path: string; message: string }[] }[];
    expect(report?.ok).toBe(false);
    const paths = report?.issues.map((i) => i.path) ?? [];
    expect(paths).toContain('datasetGroup.datasets[0].datasetImportJob.serviceConfig.dataSource.dataLocation');
    expect(paths).toContain('solutions[1].batchInferenceJobs[0].serviceConfig.jobOutput.s3DataDestination.path');
    expect(report?.issues.filter((i) => i.message.includes('<REPLACE_WITH_S3_BUCKET_NAME>'))).toHaveLength(7);
    expect(report?.issues.filter((i) => i.message.includes('<REPLACE_WITH_AWS_ACCOUNT_ID>'))).toHaveLength(5);
  });

  it('reports bare placeholders in any string, keys included, alongside schema errors', async () => {
    const file = join(dir, 'placeholders.json');
    await writeFile(
      file,
      JSON.stringify({
        datasetGroup: { serviceConfig: { name: 'shop', roleArn: 'IAM_ROLE_ARN' } },
        datasets: {
          interactions: {
            dataset: { serviceConfig: { name: 'shop-interactions' } },
            schema: { serviceConfig: { name: 'x', schema: { type: 'record', name: 'Interactions', namespace: 'n', fields: [] } } },
          },
        },
        solutions: [
          {
            serviceConfig: { name: 'bad name!', recipeArn: 'arn:aws:personalize:::recipe/aws-sims' },
            batchInferenceJobs: [{ serviceConfig: { jobOutput: { s3DataDestination: { path: 's3://S3_BUCKET_NAME/out/' } } } }],
          },
        ],
        tags: [{ tagKey: 'owner', tagValue: 'arn:aws:iam::AWS_ACCOUNT_ID:root' }],
      }),
    );
    const run = await recops(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/error {4}solutions\[0\]\.serviceConfig\.name: name /);
    expect(run.stdout).toMatch(
      /error {4}solutions\[0\]\.batchInferenceJobs\[0\]\.serviceConfig\.jobOutput\.s3DataDestination\.path: placeholder S3_BUCKET_NAME/,
    );
    expect(run.stdout).toMatch(/error {4}tags\[0\]\.tagValue: placeholder AWS_ACCOUNT_ID/);
  });

  it("with --stage, names each field the stage's prefix pushes past Personalize's 63 characters", async () => {
    const file = join(dir, 'long-names.json');
    const text = await readFile(join(FIXTURES, 'mpe/sample_config.json'), 'utf8');
    const parsed = JSON.parse(text) as { datasetGroup: { serviceConfig: { name: string } } };
    parsed.datasetGroup.serviceConfig.name = `g${'x'.repeat(59)}`;
    await writeFile(file, JSON.stringify(parsed));
    // Valid as a file and on production; 3 characters too long as staging's.
    expect((await recops(['validate', file])).code).toBe(0);
    expect((await recops(['validate', file, '--stage', 'prod'])).code).toBe(0);
    const run = await recops(['validate', file, '--stage', 'staging']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /error {4}datasetGroup\.serviceConfig\.name: as stage staging's Personalize name "staging-gx+…" it has 68 characters; Personalize allows at most 63 \(shorten it by 5\)/,
    );
  });

  it('points at the line and column of invalid JSON', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{\n  "datasetGroup": {\n    "serviceConfig": { "name": "x", }\n  }\n}\n');
    const run = await recops(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/error {4}\$: invalid JSON at line 3, column \d+/);
  });

  it('reports a missing file as an error of that file and checks the others', async () => {
    const run = await recops(['validate', join(dir, 'nope.json'), join(FIXTURES, 'mpe/sample_config.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('nope.json: 1 error, 0 warnings');
    expect(run.stdout).toContain('cannot read the file: no such file');
    expect(run.stdout).toContain('sample_config.json: valid');
    expect(run.stderr).toBe('');
  });

  it('exits 2 with one line without a file argument', async () => {
    const run = await recops(['validate']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([`recops validate: missing required argument 'file' (see "recops validate --help")`]);
  });

  it('prints its help with exit 0', async () => {
    const run = await recops(['validate', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: recops validate [options] <file...>');
  });
});
