import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalCloud, type LocalCloud } from '@recops/local';
import { hasAwsCli, isolatedAwsEnv, runAwsCli, type AwsCliResult } from '../../support/aws-cli';
import { FakeEngine } from './fake-engine';

describe.skipIf(!hasAwsCli)('AWS CLI: personalize against the local cloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  let env: NodeJS.ProcessEnv;

  const aws = (...args: string[]): Promise<AwsCliResult> => runAwsCli(cloud.endpoint, env, ['--output', 'json', ...args]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recops-awscli-personalize-'));
    cloud = await createLocalCloud({ dataDir: join(dir, 'state'), engine: new FakeEngine(), personalizeStepDelayMs: 0 });
    env = await isolatedAwsEnv(dir, '', { AWS_MAX_ATTEMPTS: '1' });
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
    const missing = await aws(
      'personalize',
      'describe-dataset-group',
      '--dataset-group-arn',
      'arn:aws:personalize:us-east-1:000000000000:dataset-group/none',
    );
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });
});
