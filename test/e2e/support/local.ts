/** Starting a local cloud for a test, with a data bucket and SDK clients pointed at it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCloud, type LocalCloud, type LocalCloudOptions } from '@recops/local';
import { createClients, type Clients } from '@recops/core/runtime';

export interface TestCloud {
  readonly cloud: LocalCloud;
  readonly clients: Clients;
  readonly bucket: string;
  close(): Promise<void>;
}

const TEST_BUCKET = 'recops-data';

export async function startTestCloud(options: Omit<LocalCloudOptions, 'dataDir'> = {}): Promise<TestCloud> {
  const dataDir = await mkdtemp(join(tmpdir(), 'recops-test-'));
  const cloud = await createLocalCloud({ ...options, dataDir });
  await cloud.s3.ensureBucket(TEST_BUCKET);
  const clients = createClients({
    endpoint: cloud.endpoint,
    region: cloud.region,
    env: {},
  });
  return {
    cloud,
    clients,
    bucket: TEST_BUCKET,
    close: async () => {
      await cloud.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
