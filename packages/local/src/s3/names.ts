/**
 * Bucket name and object key rules. Bucket names follow S3's general-purpose naming rules; keys are
 * additionally refused when they could mean a file-system path (`..` segment, leading `/`, NUL),
 * so no key can ever be mistaken for a location outside the data directory.
 */
import { S3Error, invalidArgument } from './errors';

const MAX_KEY_BYTES = 1024;

/** Throws InvalidBucketName unless `name` is a valid general-purpose bucket name. */
export function assertBucketName(name: string): void {
  const fail = (rule: string): never => {
    throw new S3Error('InvalidBucketName', 400, `The specified bucket is not valid: ${rule}`, { BucketName: name });
  };
  if (name.length < 3 || name.length > 63) fail('bucket names must be 3 to 63 characters long');
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    fail('bucket names use lowercase letters, digits, dots and hyphens, and begin and end with a letter or digit');
  }
  if (name.includes('..')) fail('bucket names must not contain two adjacent periods');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) fail('bucket names must not be formatted as an IP address');
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) fail('bucket names must not start with xn--, sthree- or amzn-s3-demo-');
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) fail('bucket names must not end with a reserved suffix');
}

/** Throws InvalidArgument/KeyTooLongError unless `key` is an acceptable object key. */
export function assertObjectKey(key: string): void {
  if (key.length === 0) throw invalidArgument('Object key must not be empty', 'key', key);
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', 400, `Your key is too long: keys are at most ${MAX_KEY_BYTES} bytes of UTF-8`, { Key: key });
  }
  if (key.includes('\0')) throw invalidArgument('Object key must not contain NUL', 'key', key.replace(/\0/g, '\\0'));
  if (key.startsWith('/')) throw invalidArgument('Object key must not start with "/" (an absolute path)', 'key', key);
  if (key.split('/').includes('..')) throw invalidArgument('Object key must not contain a ".." path segment', 'key', key);
}

/** Compares keys by their UTF-8 bytes, the order S3 lists them in. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
