import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '../../../packages/local/src/cloud';
import { FakeEngine } from './fake-engine';

const hasAws = (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'aws')));
if (!hasAws) console.warn('AWS CLI test skipped: `aws` is not on PATH (install it with `apt-get install -y awscli`).');

describe.skipIf(!hasAws)('AWS CLI: personalize against the local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let env: NodeJS.ProcessEnv;

  const aws = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile('aws', ['--endpoint-url', cloud.endpoint, '--output', 'json', ...args], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-awscli-personalize-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'state'), engine: new FakeEngine(), personalizeStepDelayMs: 0 });
    await writeFile(join(dir, 'config'), '[default]\nregion = us-east-1\n');
    env = {
      PATH: process.env['PATH'],
      HOME: dir,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials-none'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
    };
  });
  afterAll(async () => {
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates, describes and lists a dataset group', async () => {
    const created = await aws('personalize', 'create-dataset-group', '--name', 'cli-dsg', '--domain', 'ECOMMERCE');
    expect(created.code, created.stderr).toBe(0);
    const { datasetGroupArn, domain } = JSON.parse(created.stdout) as { datasetGroupArn: string; domain: string };
    expect(datasetGroupArn).toBe('arn:aws:personalize:us-east-1:000000000000:dataset-group/cli-dsg');
    expect(domain).toBe('ECOMMERCE');

    const described = await aws('personalize', 'describe-dataset-group', '--dataset-group-arn', datasetGroupArn);
    expect(described.code, described.stderr).toBe(0);
    const group = (JSON.parse(described.stdout) as { datasetGroup: Record<string, unknown> }).datasetGroup;
    expect(group).toMatchObject({ name: 'cli-dsg', datasetGroupArn, domain: 'ECOMMERCE' });
    expect(['CREATE PENDING', 'CREATE IN_PROGRESS', 'ACTIVE']).toContain(group['status']);

    const listed = await aws('personalize', 'list-dataset-groups');
    expect(listed.code, listed.stderr).toBe(0);
    const groups = (JSON.parse(listed.stdout) as { datasetGroups: { name: string }[] }).datasetGroups;
    expect(groups.map((entry) => entry.name)).toEqual(['cli-dsg']);
  });

  it('reports the service exception names the CLI reads from __type', async () => {
    const duplicate = await aws('personalize', 'create-dataset-group', '--name', 'cli-dsg');
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain('ResourceAlreadyExistsException');
    const missing = await aws('personalize', 'describe-dataset-group', '--dataset-group-arn', 'arn:aws:personalize:us-east-1:000000000000:dataset-group/none');
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });
});
