import { createHash } from 'node:crypto';

export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  /** Base64, as the JSON protocol carries blobs. */
  readonly BinaryValue?: string;
}

export const md5Hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * MD5 of message attributes as SQS computes it: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string {
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer): void => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const value = attributes[name];
    if (!value) continue;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    if (value.BinaryValue !== undefined) {
      hash.update(Buffer.from([2]));
      lengthPrefixed(Buffer.from(value.BinaryValue, 'base64'));
    } else {
      hash.update(Buffer.from([1]));
      lengthPrefixed(Buffer.from(value.StringValue ?? '', 'utf8'));
    }
  }
  return hash.digest('hex');
}
