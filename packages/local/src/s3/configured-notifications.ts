/**
 * Bucket notification configurations set through the API (PutBucketNotificationConfiguration, e.g.
 * `aws s3api put-bucket-notification-configuration`): each ObjectCreated event that matches a
 * `QueueConfiguration` (event name and prefix/suffix rules) is sent to that SQS queue as S3 sends it,
 * a JSON body `{"Records":[…]}` with the configuration's Id as `s3.configurationId`.
 * Lambda and SNS destinations are not delivered: the local cloud has no Lambda API or SNS; functions
 * triggered by S3 come from the service manifest and are invoked by the runner.
 */
import type { S3Event } from 'aws-lambda';
import { XMLParser } from 'fast-xml-parser';
import type { LocalS3 } from './index';

export interface QueueNotification {
  readonly id?: string;
  readonly queueArn: string;
  /** `s3:ObjectCreated:*`, `s3:ObjectCreated:Put`, … as configured. */
  readonly events: readonly string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

/** Sends one message body to the queue named by this ARN. */
export type QueueSender = (queueArn: string, body: string) => Promise<void>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  isArray: (name) => ['QueueConfiguration', 'Event', 'FilterRule'].includes(name),
});

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
const asStrings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/** The queue destinations of a stored NotificationConfiguration document. */
export function queueNotifications(xml: string | undefined): QueueNotification[] {
  if (xml === undefined) return [];
  const root = asRecord(asRecord(parser.parse(xml)).NotificationConfiguration);
  const configurations = Array.isArray(root.QueueConfiguration) ? root.QueueConfiguration : [];
  return configurations.flatMap((raw): QueueNotification[] => {
    const configuration = asRecord(raw);
    const queueArn = configuration.Queue;
    if (typeof queueArn !== 'string') return [];
    const rules = (asRecord(asRecord(configuration.Filter).S3Key).FilterRule as unknown[] | undefined) ?? [];
    let prefix: string | undefined;
    let suffix: string | undefined;
    for (const rule of rules.map(asRecord)) {
      // S3 accepts the rule names in any case ("prefix", "Prefix").
      const name = typeof rule.Name === 'string' ? rule.Name.toLowerCase() : '';
      const value = typeof rule.Value === 'string' ? rule.Value : '';
      if (name === 'prefix') prefix = value;
      if (name === 'suffix') suffix = value;
    }
    return [
      {
        ...(typeof configuration.Id === 'string' ? { id: configuration.Id } : {}),
        queueArn,
        events: asStrings(configuration.Event),
        ...(prefix !== undefined ? { prefix } : {}),
        ...(suffix !== undefined ? { suffix } : {}),
      },
    ];
  });
}

/** `s3:ObjectCreated:*` matches every ObjectCreated event; otherwise the names must be equal. */
export function eventMatches(configured: string, eventName: string): boolean {
  const wanted = configured.replace(/^s3:/, '');
  return wanted.endsWith(':*') ? eventName.startsWith(wanted.slice(0, -1)) : wanted === eventName;
}

/** Record keys are URL-encoded with spaces as `+`; filters apply to the key itself. */
function rawKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

/**
 * Delivers ObjectCreated events to the queues each bucket's configuration names, reading the
 * configuration at delivery time so later Put calls apply at once. Returns the unsubscribe function.
 */
export function deliverConfiguredNotifications(s3: Pick<LocalS3, 'store' | 'onObjectCreated'>, send: QueueSender): () => void {
  return s3.onObjectCreated(async (event: S3Event) => {
    for (const record of event.Records) {
      const bucket = record.s3.bucket.name;
      const key = rawKey(record.s3.object.key);
      const xml = s3.store.bucketRecord(bucket).notificationConfiguration;
      for (const destination of queueNotifications(xml)) {
        if (!destination.events.some((name) => eventMatches(name, record.eventName))) continue;
        if (destination.prefix !== undefined && !key.startsWith(destination.prefix)) continue;
        if (destination.suffix !== undefined && !key.endsWith(destination.suffix)) continue;
        const delivered = { ...record, s3: { ...record.s3, configurationId: destination.id ?? 'local' } };
        await send(destination.queueArn, JSON.stringify({ Records: [delivered] }));
      }
    }
  });
}
