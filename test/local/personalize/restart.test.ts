import {
  CreateDatasetImportJobCommand,
  CreateSolutionVersionCommand,
  DeleteDatasetGroupCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeSolutionVersionCommand,
  GetSolutionMetricsCommand,
  ListDatasetGroupsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-personalize';
import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FAKE_METRICS, FakeEngine } from './fake-engine';
import { errorName, startHarness, waitFor } from './harness';
import { activeDataset, activeDatasetGroup, activeSolution } from './setup';

describe('Personalize store: restart', () => {
  it('keeps resources, tags and metrics across a restart', async () => {
    const first = await startHarness();
    try {
      const datasetGroupArn = await activeDatasetGroup(first.personalize, 'kept');
      await first.personalize.send(new TagResourceCommand({ resourceArn: datasetGroupArn, tags: [{ tagKey: 'team', tagValue: 'recs' }] }));
      const solutionArn = await activeSolution(first.personalize, datasetGroupArn, 'sol');
      const { solutionVersionArn } = await first.personalize.send(new CreateSolutionVersionCommand({ solutionArn }));
      await waitFor(
        () => first.personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn })),
        (out) => out.solutionVersion?.status === 'ACTIVE',
      );
      await first.stop();

      const second = await startHarness({ dataDir: first.dataDir });
      try {
        const group = await second.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
        expect(group.datasetGroup).toMatchObject({ name: 'kept', status: 'ACTIVE' });
        const tags = await second.personalize.send(new ListTagsForResourceCommand({ resourceArn: datasetGroupArn }));
        expect(tags.tags).toEqual([{ tagKey: 'team', tagValue: 'recs' }]);
        const metrics = await second.personalize.send(new GetSolutionMetricsCommand({ solutionVersionArn }));
        expect(metrics.metrics).toEqual(FAKE_METRICS);
        const listed = await second.personalize.send(new ListDatasetGroupsCommand({}));
        expect(listed.datasetGroups?.map((entry) => entry.name)).toEqual(['kept']);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });

  it('runs a job that was in progress at shutdown again after the restart', async () => {
    const engine = new FakeEngine();
    engine.hold('importDataset');
    const first = await startHarness({ engine });
    try {
      const datasetGroupArn = await activeDatasetGroup(first.personalize, 'resume');
      const datasetArn = await activeDataset(first.personalize, datasetGroupArn, 'interactions');
      const { datasetImportJobArn } = await first.personalize.send(
        new CreateDatasetImportJobCommand({ jobName: 'interrupted', datasetArn, dataSource: { dataLocation: 's3://bucket/i.csv' } }),
      );
      await waitFor(
        () => Promise.resolve(engine.waitingCount('importDataset')),
        (count) => count === 1,
      );
      const during = await first.personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn }));
      expect(during.datasetImportJob?.status).toBe('CREATE IN_PROGRESS');
      await first.stop();

      const restarted = new FakeEngine();
      const second = await startHarness({ dataDir: first.dataDir, engine: restarted });
      try {
        const done = await waitFor(
          () => second.personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
          (out) => out.datasetImportJob?.status === 'ACTIVE',
        );
        expect(done.datasetImportJob?.jobName).toBe('interrupted');
        expect(restarted.callsOf('importDataset')).toEqual([expect.objectContaining({ datasetArn, dataLocation: 's3://bucket/i.csv' })]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });

  it('finishes a delete that was pending at shutdown', async () => {
    const first = await startHarness();
    try {
      const datasetGroupArn = await activeDatasetGroup(first.personalize, 'doomed');
      await first.stop();
      // Steps never elapse in this run: the delete is persisted in DELETE PENDING.
      const slow = await startHarness({ dataDir: first.dataDir, stepDelayMs: 3_600_000 });
      await slow.personalize.send(new DeleteDatasetGroupCommand({ datasetGroupArn }));
      const pending = await slow.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }));
      expect(pending.datasetGroup?.status).toBe('DELETE PENDING');
      await slow.stop();
      const last = await startHarness({ dataDir: first.dataDir });
      try {
        await waitFor(
          () => errorName(last.personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn }))),
          (name) => name === 'ResourceNotFoundException',
        );
        expect(last.engine.callsOf('deleteDatasetGroup')).toEqual([datasetGroupArn]);
      } finally {
        await last.stop();
      }
    } finally {
      await rm(first.dataDir, { recursive: true, force: true });
    }
  });
});
