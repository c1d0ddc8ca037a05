/** Bucket notifications: S3 ObjectCreated under a prefix (and suffix) invokes the service's function. */
import { StackConfigError } from './config';
import type { ServiceResources } from './services';

interface Trigger {
  readonly service: ServiceResources;
  readonly name: string;
  readonly prefix: string;
  readonly suffix?: string;
}

export function connectBucketNotifications(bucket: sst.aws.Bucket, services: readonly ServiceResources[]): void {
  const triggers: Trigger[] = services.flatMap((service) =>
    service.definition.s3Triggers.map((trigger, index) => ({
      service,
      name: `${service.id}Trigger${index + 1}`,
      prefix: trigger.prefix,
      ...(trigger.suffix === undefined ? {} : { suffix: trigger.suffix }),
    })),
  );
  checkNoOverlap(triggers);
  if (triggers.length === 0) return;
  // SST allows one notify() per bucket, so every service's triggers go in one call.
  bucket.notify({
    notifications: triggers.map((t) => ({
      name: t.name,
      function: t.service.fn.arn,
      events: ['s3:ObjectCreated:*'],
      filterPrefix: t.prefix,
      ...(t.suffix === undefined ? {} : { filterSuffix: t.suffix }),
    })),
  });
}

/** S3 rejects two configurations for the same event whose prefix and suffix filters overlap. */
function checkNoOverlap(triggers: readonly Trigger[]): void {
  for (let i = 0; i < triggers.length; i += 1) {
    for (let j = i + 1; j < triggers.length; j += 1) {
      const a = triggers[i] as Trigger;
      const b = triggers[j] as Trigger;
      const prefixesOverlap = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
      const sa = a.suffix ?? '';
      const sb = b.suffix ?? '';
      const suffixesOverlap = sa.endsWith(sb) || sb.endsWith(sa);
      if (prefixesOverlap && suffixesOverlap) {
        throw new StackConfigError(
          `services/manifest.ts: S3 triggers of ${a.service.definition.name} (${a.prefix}*${sa}) and ${b.service.definition.name} (${b.prefix}*${sb}) overlap; S3 rejects overlapping notifications`,
        );
      }
    }
  }
}
