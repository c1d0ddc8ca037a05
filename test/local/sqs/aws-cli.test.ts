/**
 * The AWS CLI (v1, botocore's JSON protocols) against the local SQS and EventBridge. Skipped, with
 * the reason in the test name, only when `aws` is not installed (.ci/run installs it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBus, tempDir, type BusHarness } from './harness';

const run = promisify(execFile);

/** The query-protocol SQS model of Debian's awscli (see fixtures/sqs-query-model/README.md). */
const QUERY_MODEL_PATH = fileURLToPath(new URL('./fixtures/sqs-query-model', import.meta.url));

function awsCliAvailable(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const hasAws = awsCliAvailable();

describe.skipIf(!hasAws)(`CLI: aws sqs / aws events against the local cloud${hasAws ? '' : ' (skipped: aws CLI not installed)'}`, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let cloud: BusHarness;

  beforeAll(async () => {
    dir = await tempDir('recops-cli-bus-');
    cloud = await startBus(dir.dir);
  });

  afterAll(async () => {
    await cloud.close();
    await dir.remove();
  });

  /** Runs `aws` asynchronously (the server shares this process) and parses its JSON output. */
  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    return awsWith({}, ...args);
  }

  async function awsWith(extraEnv: Record<string, string>, ...args: string[]): Promise<Record<string, unknown>> {
    const env = {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
      ...extraEnv,
    };
    const { stdout } = await run('aws', ['--endpoint-url', cloud.endpoint, '--output', 'json', ...args], { env, encoding: 'utf8' });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  }

  it('sends and receives SQS messages with attributes (aws sqs send-message / receive-message)', async () => {
    const { QueueUrl } = (await aws('sqs', 'create-queue', '--queue-name', 'cli-queue')) as { QueueUrl: string };
    expect(QueueUrl).toBe(`${cloud.endpoint}/000000000000/cli-queue`);
    const sent = (await aws(
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'hello from the cli',
      '--message-attributes',
      '{"kind":{"DataType":"String","StringValue":"greeting"}}',
    )) as { MessageId: string };
    const received = (await aws(
      'sqs',
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
      '--wait-time-seconds',
      '1',
    )) as {
      Messages: {
        MessageId: string;
        Body: string;
        Attributes: Record<string, string>;
        MessageAttributes: Record<string, { StringValue: string }>;
      }[];
    };
    expect(received.Messages).toHaveLength(1);
    expect(received.Messages[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'hello from the cli',
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: { kind: { StringValue: 'greeting' } },
    });
  });

  it('speaks the SQS query protocol of CLIs older than the JSON switch (Debian awscli 2.9)', async () => {
    const queryCli = (...args: string[]) => awsWith({ AWS_DATA_PATH: QUERY_MODEL_PATH }, ...args);
    const { QueueUrl } = (await queryCli('sqs', 'create-queue', '--queue-name', 'cli-query', '--attributes', 'VisibilityTimeout=40')) as {
      QueueUrl: string;
    };
    const sent = (await queryCli(
      'sqs',
      'send-message',
      '--queue-url',
      QueueUrl,
      '--message-body',
      'xml & <friends>',
      '--message-attributes',
      '{"kind":{"DataType":"String","StringValue":"query"}}',
    )) as { MessageId: string };
    const received = (await queryCli(
      'sqs',
      'receive-message',
      '--queue-url',
      QueueUrl,
      '--attribute-names',
      'All',
      '--message-attribute-names',
      'All',
    )) as {
      Messages: {
        MessageId: string;
        Body: string;
        Attributes: Record<string, string>;
        MessageAttributes: Record<string, { StringValue: string }>;
      }[];
    };
    expect(received.Messages[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'xml & <friends>',
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: { kind: { StringValue: 'query' } },
    });
    const attributes = (await queryCli('sqs', 'get-queue-attributes', '--queue-url', QueueUrl, '--attribute-names', 'All')) as {
      Attributes: Record<string, string>;
    };
    expect(attributes.Attributes).toMatchObject({ VisibilityTimeout: '40', ApproximateNumberOfMessagesNotVisible: '1' });
    const error = await queryCli('sqs', 'get-queue-url', '--queue-name', 'missing').catch((caught: { stderr: string }) => caught);
    expect((error as { stderr: string }).stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('reports the SQS query error code for a missing queue', async () => {
    const error = await aws('sqs', 'get-queue-url', '--queue-name', 'missing').catch((caught: { stderr: string }) => caught);
    expect((error as { stderr: string }).stderr).toContain('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('puts events that reach an SQS target (aws events put-events)', async () => {
    const { QueueUrl } = (await aws('sqs', 'create-queue', '--queue-name', 'cli-events')) as { QueueUrl: string };
    await aws('events', 'put-rule', '--name', 'cli-rule', '--event-pattern', '{"source":["cli.test"]}');
    await aws('events', 'put-targets', '--rule', 'cli-rule', '--targets', 'Id=q,Arn=arn:aws:sqs:us-east-1:000000000000:cli-events');
    const put = (await aws(
      'events',
      'put-events',
      '--entries',
      JSON.stringify([
        { Source: 'cli.test', DetailType: 'Cli Event', Detail: '{"n":1}' },
        { Source: 'cli.test', DetailType: 'Cli Event' },
      ]),
    )) as { FailedEntryCount: number; Entries: { EventId?: string; ErrorCode?: string }[] };
    expect(put.FailedEntryCount).toBe(1);
    expect(put.Entries[1]?.ErrorCode).toBe('InvalidArgument');
    const received = (await aws('sqs', 'receive-message', '--queue-url', QueueUrl, '--wait-time-seconds', '1')) as {
      Messages: { Body: string }[];
    };
    expect(JSON.parse(received.Messages[0]!.Body)).toMatchObject({ id: put.Entries[0]?.EventId, source: 'cli.test', detail: { n: 1 } });
  });
});
