/**
 * Object tags as S3 takes them: the `x-amz-tagging` header of PutObject, CopyObject and
 * CreateMultipartUpload (URL-query encoded) and the `<Tagging>` document of PutObjectTagging, with
 * S3's limits (10 tags an object, keys of 1–128 and values of 0–256 characters, no `aws:` keys,
 * no key twice). Lifecycle rules filter on them.
 */
import { S3Error } from './errors';
import { element, parseXml } from './xml';

export type ObjectTags = Readonly<Record<string, string>>;

const MAX_TAGS = 10;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

const invalidTag = (message: string, key: string, value: string): S3Error =>
  new S3Error('InvalidTag', 400, message, { TagKey: key, TagValue: value });

function checked(pairs: readonly (readonly [string, string])[]): ObjectTags {
  if (pairs.length > MAX_TAGS) throw new S3Error('BadRequest', 400, `Object tags cannot be greater than ${MAX_TAGS}`);
  const tags: Record<string, string> = {};
  for (const [key, value] of pairs) {
    if (key.length === 0 || [...key].length > MAX_KEY_LENGTH) throw invalidTag('The TagKey you have provided is invalid', key, value);
    if ([...value].length > MAX_VALUE_LENGTH) throw invalidTag('The TagValue you have provided is invalid', key, value);
    if (key.toLowerCase().startsWith('aws:')) throw invalidTag('Your TagKey cannot be prefixed with aws:', key, value);
    if (Object.hasOwn(tags, key)) throw invalidTag('Cannot provide multiple Tags with the same key', key, value);
    tags[key] = value;
  }
  return tags;
}

/** The `x-amz-tagging` header (`k1=v1&k2=v2`); undefined when the request sets no tags. */
export function tagsOfHeader(header: string | undefined): ObjectTags | undefined {
  if (header === undefined) return undefined;
  return checked([...new URLSearchParams(header)]);
}

/** The body of PutObjectTagging. */
export function tagsOfDocument(body: Buffer): ObjectTags {
  const tagSet = parseXml(body, 'Tagging')['TagSet'];
  const tag = typeof tagSet === 'object' && tagSet !== null ? (tagSet as Record<string, unknown>)['Tag'] : undefined;
  const entries = tag === undefined ? [] : Array.isArray(tag) ? tag : [tag];
  return checked(
    entries.map((entry) => {
      const fields = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
      const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
      return [text(fields['Key']), text(fields['Value'])] as const;
    }),
  );
}

/** The `<TagSet>` of GetObjectTagging. */
export function tagSetXml(tags: ObjectTags | undefined): string {
  const inner = Object.entries(tags ?? {})
    .map(([key, value]) => `<Tag>${element('Key', key)}${element('Value', value)}</Tag>`)
    .join('');
  return `<TagSet>${inner}</TagSet>`;
}
