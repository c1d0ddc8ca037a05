/**
 * The commands that work on a stage, through the real binary against a local cloud running the
 * real services: run (to Pipeline Completed, and a failing run), status, report (rendered in
 * headless Chromium), recommend, put-events, import-existing and cleanup, with their error paths.
 */
import { access, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  ListCampaignsCommand,
  ListDatasetGroupsCommand,
  ListFiltersCommand,
  ListSolutionsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { createClients, type Clients } from '@recops/core/runtime';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { SERVICES } from '@recops/services/manifest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCloudFile } from '../../packages/cli/src/target';
import { hasAwsCli, isolatedAwsEnv, runAwsCli } from '../support/aws-cli';
import { chromiumPath, renderedTimeline } from './chromium';
import { recops } from './run-recops';

/** A run to its outcome on the local engine, plus the CLI's start-up, on a busy 2-core machine. */
const RUN_TIMEOUT_MS = 240_000;
/** Several CLI invocations, each starting a Node process. */
const COMMANDS_TIMEOUT_MS = 150_000;

const FIXTURES = resolve(__dirname, '../../../shared/fixtures');
const STAGE = 'clitest';
const BUCKET = `recops-${STAGE}-data`;
const GROUP = 'movies-cli';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('CLI: commands on a local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let clients: Clients;
  let endpointArgs: string[];
  let completedRunId: string;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    // The handlers run in this process: quick status re-checks, quiet logs.
    for (const [key, value] of Object.entries({
      RECOPS_WATCH_MAX_DELAY_SECONDS: '1',
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
    })) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    dir = await mkdtemp(join(tmpdir(), 'recops-cli-pipeline-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'cloud'), stage: STAGE, manifest: SERVICES, personalizeStepDelayMs: 50 });
    clients = createClients({ endpoint: cloud.endpoint, region: cloud.region, env: {} });
    endpointArgs = ['--endpoint', cloud.endpoint, '--data-dir', join(dir, 'cloud')];
  });

  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it(
    'run uploads the CSVs, the batch input and then the file, follows the run to Pipeline Completed and prints its steps',
    async () => {
      // Prepare
      const data = join(dir, 'sample');
      const sample = await recops(['sample', '--users', '60', '--items', '40', '--interactions', '1440', '--out', data, '--name', GROUP]);
      expect(sample.code, sample.stderr).toBe(0);
      // Act
      const run = await recops(['run', join(data, 'config.json'), ...endpointArgs, '--timeout', '120']);
      // Assess
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`uploaded ${join(data, 'interactions.csv')} → s3://${BUCKET}/train/${GROUP}/interactions.csv`);
      expect(run.stdout).toContain(`→ s3://${BUCKET}/batch/${GROUP}/${GROUP}-personalization/job_config.json`);
      const lines = run.stdout.split('\n');
      const eventLines = lines.filter((l) => /^ +\+\d+\.\ds {2}\S/.test(l));
      expect(eventLines[0]).toContain('Pipeline Requested');
      expect(eventLines.at(-1)).toContain('Pipeline Completed');
      expect(eventLines.some((l) => l.includes('Solution Version Status Changed'))).toBe(true);
      const runId = /Run (\S+) completed in/.exec(run.stdout)?.[1];
      expect(runId).toBeDefined();
      completedRunId = runId as string;
      // The steps table names each solution version the run trained.
      expect(run.stdout).toMatch(/solution\/clitest-movies-cli-personalization\/\w+ +\+\d+\.\ds +\d+\.\ds +ACTIVE/);
      const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `train/${GROUP}/` }));
      expect((listed.Contents ?? []).map((o) => o.Key).sort()).toEqual(
        ['config.json', 'interactions.csv', 'items.csv', 'users.csv'].map((f) => `train/${GROUP}/${f}`),
      );
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'a second sample under another dataset group name runs to Pipeline Completed beside the first one',
    async () => {
      // Personalize names are account-wide: the second sample's solutions, campaign and filters must not be the first one's.
      const other = 'films-cli';
      const data = join(dir, 'second-sample');
      const sample = await recops(['sample', '--users', '60', '--items', '40', '--interactions', '1440', '--out', data, '--name', other]);
      expect(sample.code, sample.stderr).toBe(0);
      const run = await recops(['run', join(data, 'config.json'), ...endpointArgs, '--timeout', '120']);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toMatch(/Run \S+ completed in/);
      const { datasetGroups } = await clients.personalize.send(new ListDatasetGroupsCommand({}));
      const namesIn = async (group: string): Promise<{ solutions: string[]; filters: string[]; campaigns: string[] }> => {
        const datasetGroupArn = datasetGroups?.find((g) => g.name === `${STAGE}-${group}`)?.datasetGroupArn;
        expect(datasetGroupArn, group).toBeDefined();
        const { solutions } = await clients.personalize.send(new ListSolutionsCommand({ datasetGroupArn }));
        const { Filters: filters } = await clients.personalize.send(new ListFiltersCommand({ datasetGroupArn }));
        const campaigns: string[] = [];
        for (const solution of solutions ?? []) {
          const listed = await clients.personalize.send(new ListCampaignsCommand({ solutionArn: solution.solutionArn }));
          campaigns.push(...(listed.campaigns ?? []).map((c) => c.name ?? ''));
        }
        return {
          solutions: (solutions ?? []).map((x) => x.name ?? '').sort(),
          filters: (filters ?? []).map((x) => x.name ?? '').sort(),
          campaigns: campaigns.sort(),
        };
      };
      for (const group of [GROUP, other]) {
        const prefix = `${STAGE}-${group}-`;
        expect(await namesIn(group), group).toEqual({
          solutions: ['personalization', 'popularity-count', 'sims'].map((n) => `${prefix}${n}`),
          filters: ['clicked-or-streamed', 'genre', 'interacted'].map((n) => `${prefix}${n}`),
          campaigns: [`${prefix}personalization`],
        });
      }
    },
    RUN_TIMEOUT_MS,
  );

  it(
    'run refuses an invalid parameter file before uploading anything',
    async () => {
      const bad = join(dir, 'bad');
      await mkdir(bad, { recursive: true });
      await writeFile(join(bad, 'interactions.csv'), 'USER_ID,ITEM_ID,TIMESTAMP\n');
      await writeFile(
        join(bad, 'config.json'),
        JSON.stringify({ datasetGroup: { serviceConfig: { name: 'never-uploaded', roleArn: 'IAM_ROLE_ARN' } } }),
      );
      const run = await recops(['run', join(bad, 'config.json'), ...endpointArgs]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('is invalid (2 errors); nothing was uploaded');
      expect(run.stderr).toContain('datasetGroup.serviceConfig.roleArn: IAM role that may use the KMS key must be an ARN');
      expect(run.stderr).toContain('datasetGroup.serviceConfig.roleArn: placeholder IAM_ROLE_ARN');
      const listed = await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'train/never-uploaded/' }));
      expect(listed.Contents ?? []).toEqual([]);
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'run exits 1 with the failing step when the run fails',
    async () => {
      // A valid file whose interactions CSV lacks the schema's TIMESTAMP column: Personalize fails the import.
      const data = join(dir, 'failing');
      await recops(['sample', '--users', '30', '--items', '20', '--interactions', '600', '--out', data, '--name', 'movies-fails']);
      await writeFile(join(data, 'interactions.csv'), 'ITEM_ID,USER_ID,EVENT_TYPE\nm1,u1,click\n');
      const run = await recops(['run', join(data, 'config.json'), ...endpointArgs, '--timeout', '120']);
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toMatch(/Pipeline Failed +.*step import: /);
      expect(run.stdout).toMatch(/Run \S+ failed in/);
    },
    RUN_TIMEOUT_MS,
  );

  it(
    "status lists the runs with outcome and shows one run's steps, uploads intake refused included with every error",
    async () => {
      // An invalid file uploaded straight to the bucket (not through `recops run`, which would refuse it first).
      await clients.s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'train/refused-upload/config.json',
          Body: JSON.stringify({
            datasetGroup: { serviceConfig: { name: 'refused-upload' } },
            solutions: [{ serviceConfig: { name: 'has space' } }],
          }),
        }),
      );
      const deadline = Date.now() + 60_000;
      while (
        ((await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'runs/clitest-refused-upload/' }))).KeyCount ?? 0) === 0
      ) {
        if (Date.now() > deadline) throw new Error('intake wrote no record of the refused upload within 60 s');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const list = await recops(['status', ...endpointArgs, '--json']);
      expect(list.code, list.stderr).toBe(0);
      const runs = JSON.parse(list.stdout) as { runId: string; outcome?: { kind: string } }[];
      expect(runs.find((r) => r.runId === completedRunId)?.outcome?.kind).toBe('completed');
      const table = await recops(['status', ...endpointArgs]);
      expect(table.stdout).toMatch(new RegExp(`${completedRunId} +${STAGE}-${GROUP} +\\S+ \\S+ +\\d+\\.\\ds +completed`));
      expect(table.stdout).toMatch(/clitest-movies-fails +\S+ \S+ +\d+\.\ds +failed at import/);
      expect(table.stdout).toMatch(/clitest-refused-upload +\S+ \S+ +\d+\.\ds +failed at intake +upload/);
      const refusedId = runs.find((r) => (r as { datasetGroupName?: string }).datasetGroupName === 'clitest-refused-upload')?.runId;
      const refused = await recops(['status', refusedId ?? '?', ...endpointArgs]);
      expect(refused.code, refused.stderr).toBe(0);
      expect(refused.stdout).toContain(`Run ${refusedId} of clitest-refused-upload: failed at intake`);
      expect(refused.stdout).toContain(
        `reason   The parameter file s3://${BUCKET}/train/refused-upload/config.json is invalid (1 error); nothing was created`,
      );
      expect(refused.stdout).toMatch(/ {4}solutions\[0\]\.serviceConfig\.name: name must match/);
      const one = await recops(['status', completedRunId, ...endpointArgs]);
      expect(one.code).toBe(0);
      expect(one.stdout).toContain(`Run ${completedRunId} of ${STAGE}-${GROUP}: completed`);
      expect(one.stdout).toMatch(/dataset-import-job\/\S+ +\+\d+\.\ds +\d+\.\ds +ACTIVE/);
      const unknown = await recops(['status', 'no-such-run', ...endpointArgs]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim()).toBe(
        `recops status: no run no-such-run on the local cloud at ${cloud.endpoint} (stage ${STAGE}); "recops status" lists the runs`,
      );
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'finds the local cloud from the data directory, a deployed stage from its outputs, and says when neither answers',
    async () => {
      const dataDir = join(dir, 'announced');
      await mkdir(dataDir, { recursive: true });
      await writeCloudFile(dataDir, { endpoint: cloud.endpoint, stage: STAGE, pid: process.pid, startedAt: new Date().toISOString() });
      const viaFile = await recops(['status', '--data-dir', dataDir]);
      expect(viaFile.code, viaFile.stderr).toBe(0);
      expect(viaFile.stdout).toContain(completedRunId);

      // A deployed stage's outputs, served here by the local cloud (AWS_ENDPOINT_URL is the SDK's own setting).
      const project = join(dir, 'project');
      await mkdir(join(project, '.sst'), { recursive: true });
      await writeFile(
        join(project, '.sst', 'outputs.json'),
        JSON.stringify({ stage: 'staging', bucketName: BUCKET, busName: `recops-${STAGE}` }),
      );
      const viaStage = await recops(['status', '--stage', 'staging'], {
        cwd: project,
        env: { AWS_ENDPOINT_URL: cloud.endpoint, AWS_REGION: 'us-east-1' },
      });
      expect(viaStage.code, viaStage.stderr).toBe(0);
      expect(viaStage.stdout).toContain(completedRunId);
      const otherStage = await recops(['status', '--stage', 'prod'], { cwd: project });
      expect(otherStage.code).toBe(1);
      expect(otherStage.stderr).toContain('holds the outputs of stage "staging", not prod');

      const nothing = await recops(['status', '--data-dir', join(dir, 'no-cloud-here')]);
      expect(nothing.code).toBe(1);
      expect(nothing.stderr.trim()).toMatch(
        /^recops status: no local cloud is running from .*no-cloud-here \(start one with "recops local"\)/,
      );
      const refused = await recops(['status', '--endpoint', 'http://127.0.0.1:9']);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([
        'recops status: cannot reach the local cloud at http://127.0.0.1:9 (connection refused); start it with "recops local"',
      ]);
      const badUrl = await recops(['status', '--endpoint', 'not a url']);
      expect(badUrl.code).toBe(2);
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'report writes one self-contained page whose rendered timeline shows every step of the run',
    async () => {
      const out = join(dir, 'report.html');
      const run = await recops(['report', completedRunId, ...endpointArgs, '--out', out]);
      expect(run.code, run.stderr).toBe(0);
      const html = await readFile(out, 'utf8');
      // Self-contained: nothing to fetch when opened.
      expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|url\(|@import/);
      const state = JSON.parse((await recops(['status', completedRunId, ...endpointArgs, '--json'])).stdout) as {
        resources: Record<string, unknown>;
      };
      const expected = Object.keys(state.resources).map((arn) => arn.split(':').slice(5).join(':'));
      expect(expected.length).toBeGreaterThan(5);
      expect(html).toContain(`${GROUP}-personalization`);
      const missing = await recops(['report', 'no-such-run', ...endpointArgs]);
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toMatch(/^recops report: no run no-such-run on the local cloud at /);

      const chromium = chromiumPath();
      if (chromium === undefined) {
        console.warn('chromium is not installed: the rendered timeline of the report is not checked (bash .ci/run installs it)');
        return;
      }
      const bars = await renderedTimeline(chromium, out, join(dir, 'chromium-profile'));
      expect(bars.map((b) => b.step).sort()).toEqual([...expected].sort());
      for (const bar of bars) {
        expect(bar.width, bar.step).toBeGreaterThan(0);
        expect(bar.visible, bar.step).toBe(true);
      }
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    "report on a deployed stage has each version's gate decision (from the stage's bucket) and says where the run's events are",
    async () => {
      const project = join(dir, 'deployed-project');
      await mkdir(join(project, '.sst'), { recursive: true });
      await writeFile(
        join(project, '.sst', 'outputs.json'),
        JSON.stringify({ stage: 'staging', bucketName: BUCKET, busName: `recops-${STAGE}` }),
      );
      const report = await recops(['report', completedRunId, '--stage', 'staging', '--json'], {
        cwd: project,
        env: { AWS_ENDPOINT_URL: cloud.endpoint, AWS_REGION: 'us-east-1' },
      });
      expect(report.code, report.stderr).toBe(0);
      const gathered = JSON.parse(report.stdout) as {
        versions: { solutionName: string; decision: string; rule?: string }[];
        notes: string[];
      };
      const personalization = gathered.versions.find((v) => v.solutionName === `clitest-${GROUP}-personalization`);
      expect(personalization).toMatchObject({ decision: 'promoted', rule: expect.stringMatching(/first version/) });
      expect(gathered.versions.every((v) => v.decision === 'promoted')).toBe(true);
      expect(gathered.notes.join('\n')).toContain(
        "The run's bus events (its milestones) are in the stage's CloudWatch Logs event log group (stack output eventLogGroup), which recops report does not read",
      );
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'recommend answers from an ACTIVE campaign and through a filter, refuses --items without a ranking recipe in one line; put-events records interactions',
    async () => {
      // Prepare: a campaign on the trained personalization version, unless the run deployed one.
      const { datasetGroups } = await clients.personalize.send(new ListDatasetGroupsCommand({}));
      const groupArn = datasetGroups?.find((g) => g.name?.endsWith(GROUP))?.datasetGroupArn;
      const { solutions } = await clients.personalize.send(new ListSolutionsCommand({ datasetGroupArn: groupArn }));
      const solutionArn = solutions?.find((s) => s.name?.endsWith('personalization'))?.solutionArn;
      const { campaigns } = await clients.personalize.send(new ListCampaignsCommand({ solutionArn }));
      let campaignName = campaigns?.[0]?.name;
      if (!campaignName) {
        const { solutionVersions } = await clients.personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
        campaignName = 'cli-test-campaign';
        const { campaignArn } = await clients.personalize.send(
          new CreateCampaignCommand({
            name: campaignName,
            solutionVersionArn: solutionVersions?.[0]?.solutionVersionArn,
            minProvisionedTPS: 1,
          }),
        );
        for (let i = 0; i < 200; i += 1) {
          const { campaign } = await clients.personalize.send(new DescribeCampaignCommand({ campaignArn }));
          if (campaign?.status === 'ACTIVE') break;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      // Act + Assess
      const plain = await recops(['recommend', '--campaign', campaignName, '--user', 'u1', '-n', '5', ...endpointArgs, '--json']);
      expect(plain.code, plain.stderr).toBe(0);
      expect((JSON.parse(plain.stdout) as { items: unknown[] }).items).toHaveLength(5);
      const filtered = await recops([
        'recommend',
        '--campaign',
        campaignName,
        '--user',
        'u1',
        '--filter',
        `${GROUP}-genre`,
        '--value',
        'GENRES=Action',
        ...endpointArgs,
      ]);
      expect(filtered.code, filtered.stderr).toBe(0);
      expect(filtered.stdout).toMatch(new RegExp(`through filter ${GROUP}-genre:\\n +1\\. \\S+`));
      // Ranking needs a personalized-ranking campaign: the service's refusal comes back as one line.
      const ranked = await recops(['recommend', '--campaign', campaignName, '--user', 'u1', '--items', 'm1,m2,m3', ...endpointArgs]);
      expect(ranked.code).toBe(1);
      expect(ranked.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^recops recommend: InvalidInputException: .*PERSONALIZED_RANKING/),
      ]);
      const unknown = await recops(['recommend', '--campaign', 'no-such-campaign', '--user', 'u1', ...endpointArgs]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/^recops recommend: no campaign no-such-campaign on the local cloud/);
      const missingUser = await recops(['recommend', '--campaign', campaignName, ...endpointArgs]);
      expect(missingUser.code).toBe(2);

      const put = await recops([
        'put-events',
        '--dataset-group',
        GROUP,
        '--user',
        'u1',
        '--items',
        'm1,m2',
        '--event-type',
        'click',
        '--value',
        '1',
        ...endpointArgs,
      ]);
      expect(put.code, put.stderr).toBe(0);
      expect(put.stdout).toMatch(/^Recorded 2 click events for user u1 through \S+\.$/m);
      const noGroup = await recops(['put-events', '--dataset-group', 'nope', '--user', 'u1', '--items', 'm1', ...endpointArgs]);
      expect(noGroup.code).toBe(1);
      expect(noGroup.stderr).toContain('no dataset group nope');
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'import-existing writes a parameter file that describes the group and passes validation',
    async () => {
      const out = join(dir, 'imported.json');
      const run = await recops([
        'import-existing',
        '--dataset-group',
        GROUP,
        '--out',
        out,
        '--schedule',
        'full=cron(0 2 ? * 1 *)',
        '--schedule',
        'import=rate(1 day)',
        ...endpointArgs,
      ]);
      expect(run.code, run.stderr).toBe(0);
      const file = JSON.parse(await readFile(out, 'utf8')) as {
        datasetGroup: { workflowConfig?: unknown };
        datasets: Record<string, unknown>;
        solutions: { serviceConfig: { name: string; recipeArn: string }; workflowConfig?: unknown }[];
        filters: { serviceConfig: { name: string } }[];
        eventTracker?: unknown;
      };
      expect(Object.keys(file.datasets).sort()).toEqual(['interactions', 'items', 'users']);
      expect(file.solutions.map((s) => s.serviceConfig.recipeArn.split('/').pop()).sort()).toEqual([
        'aws-popularity-count',
        'aws-sims',
        'aws-user-personalization',
      ]);
      expect(file.solutions[0]?.workflowConfig).toEqual({ schedules: { full: 'cron(0 2 ? * 1 *)' } });
      expect(file.datasetGroup.workflowConfig).toEqual({ schedules: { import: 'rate(1 day)' } });
      expect(file.filters.map((f) => f.serviceConfig.name).sort()).toEqual([
        `${GROUP}-clicked-or-streamed`,
        `${GROUP}-genre`,
        `${GROUP}-interacted`,
      ]);
      expect(file.eventTracker).toBeDefined();
      expect((await recops(['validate', out])).code).toBe(0);
      const badSchedule = await recops(['import-existing', '--dataset-group', GROUP, '--schedule', 'weekly', ...endpointArgs]);
      expect(badSchedule.code).toBe(2);
    },
    COMMANDS_TIMEOUT_MS,
  );

  it(
    'cleanup shows its plan, deletes nothing without --yes, refuses production stages, and with --yes leaves no dataset group',
    async () => {
      const dry = await recops(['cleanup', '--dataset-group', GROUP, ...endpointArgs]);
      expect(dry.code).toBe(1);
      expect(dry.stdout).toMatch(/Cleanup of dataset group \S+ on the local cloud .*in this order:/);
      const planned = dry.stdout
        .split('\n')
        .filter((l) => /^ +\d+\. /.test(l))
        .map((l) => l.replace(/^ +\d+\. /, '').split(/ {2,}/)[0]);
      // Dependency order: campaigns before solutions before datasets before schemas before the group.
      const firstOf = (kind: string) => planned.findIndex((k) => k === kind || k?.startsWith(`${kind} (`));
      expect(firstOf('campaign')).toBeGreaterThanOrEqual(0);
      expect(firstOf('campaign')).toBeLessThan(firstOf('solution'));
      expect(firstOf('solution')).toBeLessThan(firstOf('dataset'));
      expect(firstOf('dataset')).toBeLessThan(firstOf('schema'));
      expect(planned.at(-1)).toBe('dataset group');
      expect(dry.stderr).toContain('nothing deleted: pass --yes');

      const project = join(dir, 'prod-project');
      await mkdir(join(project, '.sst'), { recursive: true });
      await writeFile(
        join(project, '.sst', 'outputs.json'),
        JSON.stringify({ stage: 'prod', bucketName: BUCKET, busName: `recops-${STAGE}` }),
      );
      const prod = await recops(['cleanup', '--stage', 'prod', '--dataset-group', GROUP, '--yes'], {
        cwd: project,
        env: { AWS_ENDPOINT_URL: cloud.endpoint },
      });
      expect(prod.code).toBe(1);
      expect(prod.stderr.trim()).toBe(
        'recops cleanup: refusing to clean up stage prod: it is a production stage, whose resources recops keeps',
      );

      const done = await recops(['cleanup', '--dataset-group', GROUP, '--yes', ...endpointArgs]);
      expect(done.code, `${done.stdout}\n${done.stderr}`).toBe(0);
      expect(done.stdout).toMatch(/deleted dataset group \S+/);
      const { datasetGroups } = await clients.personalize.send(new ListDatasetGroupsCommand({}));
      expect((datasetGroups ?? []).filter((g) => g.name?.endsWith(GROUP))).toEqual([]);
      expect(await exists(join(dir, 'cloud'))).toBe(true);
    },
    COMMANDS_TIMEOUT_MS,
  );

  // After the cleanup above: the example's solutions, filters and campaign share names with the sample's,
  // and Personalize names those per account.
  it(
    'run takes the published seed example with its CSVs to Pipeline Completed, and cleanup leaves list-dataset-groups without its group',
    async () => {
      // Prepare: the example as published, its data beside it in a folder of its own.
      const seed = join(dir, 'seed');
      await mkdir(seed, { recursive: true });
      await copyFile(join(FIXTURES, 'seed-examples', 'mpe-sample-full.json'), join(seed, 'config.json'));
      for (const csv of ['users.csv', 'interactions.csv']) await copyFile(join(FIXTURES, 'mpe', csv), join(seed, csv));
      // The example's batch inference job reads its users from the default input, which run uploads from DIR/batch/<solution>/.
      const userIds = (await readFile(join(seed, 'users.csv'), 'utf8'))
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(',')[0]);
      await mkdir(join(seed, 'batch', 'user-personalization-solution'), { recursive: true });
      await writeFile(
        join(seed, 'batch', 'user-personalization-solution', 'job_config.json'),
        userIds.map((userId) => JSON.stringify({ userId })).join('\n'),
      );
      const group = 'dataset-group-name-1';
      // Act
      const run = await recops(['run', join(seed, 'config.json'), ...endpointArgs, '--timeout', '180']);
      // Assess
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain('→ s3://recops-clitest-data/batch/dataset-group-name-1/user-personalization-solution/job_config.json');
      expect(run.stdout).toMatch(/Pipeline Completed +dataset-group\/clitest-dataset-group-name-1/);
      expect(run.stdout).toMatch(
        /Run \S+ completed in \d+\.\ds\. Steps:\n +step +start +took +status\n +dataset-group\/clitest-dataset-group-name-1 /,
      );
      const cleanup = await recops(['cleanup', '--dataset-group', group, '--yes', ...endpointArgs]);
      expect(cleanup.code, `${cleanup.stdout}\n${cleanup.stderr}`).toBe(0);
      let names: string[];
      if (hasAwsCli) {
        const awsDir = join(dir, 'aws');
        await mkdir(awsDir, { recursive: true });
        const listed = await runAwsCli(cloud.endpoint, await isolatedAwsEnv(awsDir), [
          'personalize',
          'list-dataset-groups',
          '--output',
          'json',
        ]);
        expect(listed.code, listed.stderr).toBe(0);
        names = (JSON.parse(listed.stdout) as { datasetGroups: { name: string }[] }).datasetGroups.map((g) => g.name);
      } else {
        const { datasetGroups } = await clients.personalize.send(new ListDatasetGroupsCommand({}));
        names = (datasetGroups ?? []).map((g) => g.name ?? '');
      }
      expect(names.filter((name) => name.endsWith(group))).toEqual([]);
    },
    RUN_TIMEOUT_MS,
  );
});
