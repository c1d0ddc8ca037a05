import {
  DescribeDatasetCommand,
  DescribeDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ResourceKind, StatusPhase, describeStatus, effectiveStatus, listStatuses, parentArnOf, statusPhase } from '@recops/core/ops';

const ARN = 'arn:aws:personalize:us-east-1:000000000000';
const personalize = mockClient(PersonalizeClient);
const client = new PersonalizeClient({ region: 'us-east-1' });

beforeEach(() => personalize.reset());

describe('Function: statusPhase', () => {
  it.each([
    ['ACTIVE', StatusPhase.active],
    ['CREATE FAILED', StatusPhase.failed],
    ['CREATE STOPPED', StatusPhase.failed],
    ['CREATE PENDING', StatusPhase.inProgress],
    ['CREATE IN_PROGRESS', StatusPhase.inProgress],
    ['UPDATE IN_PROGRESS', StatusPhase.inProgress],
  ])('maps %s to %s', (status, phase) => {
    expect(statusPhase(status)).toBe(phase);
  });
});

describe('Function: describeStatus', () => {
  it("returns an import job's status and failure reason", async () => {
    personalize.on(DescribeDatasetImportJobCommand).resolves({
      datasetImportJob: { status: 'CREATE FAILED', failureReason: 'Input CSV is missing column TIMESTAMP' },
    });

    const status = await describeStatus(client, ResourceKind.datasetImportJob, `${ARN}:dataset-import-job/j`);

    expect(status).toEqual({
      arn: `${ARN}:dataset-import-job/j`,
      status: 'CREATE FAILED',
      failureReason: 'Input CSV is missing column TIMESTAMP',
    });
  });

  it("reports a dataset's schema update while it runs, for a watch of the update only", async () => {
    personalize.on(DescribeDatasetCommand).resolves({
      dataset: {
        status: 'ACTIVE',
        datasetGroupArn: `${ARN}:dataset-group/g`,
        latestDatasetUpdate: { status: 'UPDATE IN_PROGRESS' },
      },
    });

    const status = await describeStatus(client, ResourceKind.dataset, `${ARN}:dataset/g/USERS`);

    expect(effectiveStatus(status, 'update')).toEqual({ status: 'UPDATE IN_PROGRESS' });
    expect(effectiveStatus(status, 'create')).toEqual({ status: 'ACTIVE' });
    expect(status.parentArn).toBe(`${ARN}:dataset-group/g`);
  });
});

describe('Function: listStatuses', () => {
  it('returns every job of a dataset from one List call', async () => {
    personalize.on(ListDatasetImportJobsCommand).resolves({
      datasetImportJobs: [
        { datasetImportJobArn: `${ARN}:dataset-import-job/a`, status: 'ACTIVE' },
        { datasetImportJobArn: `${ARN}:dataset-import-job/b`, status: 'CREATE IN_PROGRESS' },
      ],
    });

    const statuses = await listStatuses(client, ResourceKind.datasetImportJob, `${ARN}:dataset/g/USERS`);

    expect([...statuses.values()].map((s) => s.status)).toEqual(['ACTIVE', 'CREATE IN_PROGRESS']);
    expect(personalize.calls()).toHaveLength(1);
  });
});

describe('Function: parentArnOf', () => {
  it("derives a version's solution and a dataset's group from their ARNs", () => {
    expect(parentArnOf(ResourceKind.solutionVersion, `${ARN}:solution/sims/1a2b3c4d`)).toBe(`${ARN}:solution/sims`);
    expect(parentArnOf(ResourceKind.dataset, `${ARN}:dataset/g1/INTERACTIONS`)).toBe(`${ARN}:dataset-group/g1`);
    expect(parentArnOf(ResourceKind.datasetImportJob, `${ARN}:dataset-import-job/j`)).toBeUndefined();
  });
});
