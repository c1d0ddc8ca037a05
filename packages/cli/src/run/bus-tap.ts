/**
 * A temporary subscription to the stage's bus: an SQS queue and a rule sending every recops event
 * to it, so a command can follow a run live the same way on the local cloud and on AWS (the
 * services' own queues are theirs; the CloudWatch event log is AWS-only). `close()` removes both.
 */
import { randomUUID } from 'node:crypto';
import { DeleteRuleCommand, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { ChainEvent } from '../demo/timeline';
import type { Target } from '../target';

/** Every recops event (all sources start with `recops.`). */
const RECOPS_EVENTS = { source: [{ prefix: 'recops.' }] };
const TARGET_ID = 'recops-cli';

export class BusTap {
  private seq = 0;
  private closed = false;

  private constructor(
    private readonly target: Target,
    private readonly queueUrl: string,
    private readonly ruleName: string,
  ) {}

  static async open(target: Target): Promise<BusTap> {
    const suffix = randomUUID().slice(0, 8);
    const name = `recops-cli-${suffix}`;
    const { sqs, eventBridge } = target.clients;
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { MessageRetentionPeriod: '3600' } }));
    if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
    const tap = new BusTap(target, QueueUrl, name);
    try {
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      const queueArn = Attributes?.QueueArn;
      if (!queueArn) throw new Error('GetQueueAttributes returned no QueueArn');
      const { RuleArn } = await eventBridge.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: target.busName,
          EventPattern: JSON.stringify(RECOPS_EVENTS),
          Description: 'recops CLI follows a run',
        }),
      );
      // EventBridge may send to the queue only for this rule (what AWS requires of an SQS target).
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            ...(RuleArn ? { Condition: { ArnEquals: { 'aws:SourceArn': RuleArn } } } : {}),
          },
        ],
      };
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
      const { FailedEntryCount } = await eventBridge.send(
        new PutTargetsCommand({ Rule: name, EventBusName: target.busName, Targets: [{ Id: TARGET_ID, Arn: queueArn }] }),
      );
      if (FailedEntryCount) throw new Error(`the bus refused the CLI's queue as a target of rule ${name}`);
    } catch (error) {
      await tap.close();
      throw error;
    }
    return tap;
  }

  /** Waits up to `waitSeconds` for events; returns those that arrived (possibly none). */
  async receive(waitSeconds: number): Promise<ChainEvent[]> {
    const { Messages } = await this.target.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds }),
    );
    const events: ChainEvent[] = [];
    for (const message of Messages ?? []) {
      try {
        const raw = JSON.parse(message.Body ?? '') as Record<string, unknown>;
        const detail = raw['detail'];
        events.push({
          seq: (this.seq += 1),
          time: typeof raw['time'] === 'string' ? raw['time'] : new Date().toISOString(),
          source: typeof raw['source'] === 'string' ? raw['source'] : '',
          detailType: typeof raw['detail-type'] === 'string' ? raw['detail-type'] : '?',
          detail: detail !== null && typeof detail === 'object' ? (detail as Record<string, unknown>) : {},
        });
      } catch {
        // Not an EventBridge event: nothing else sends to this queue, so skip it.
      }
    }
    const entries = (Messages ?? []).flatMap((m, i) => (m.ReceiptHandle ? [{ Id: String(i), ReceiptHandle: m.ReceiptHandle }] : []));
    if (entries.length > 0)
      await this.target.clients.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
    return events;
  }

  /** Removes the rule and the queue; safe to call twice and after a failed open. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { sqs, eventBridge } = this.target.clients;
    await eventBridge
      .send(new RemoveTargetsCommand({ Rule: this.ruleName, EventBusName: this.target.busName, Ids: [TARGET_ID] }))
      .catch(() => undefined);
    await eventBridge.send(new DeleteRuleCommand({ Name: this.ruleName, EventBusName: this.target.busName })).catch(() => undefined);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: this.queueUrl })).catch(() => undefined);
  }
}
