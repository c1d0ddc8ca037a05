/** Tiny XML helpers for S3's REST/XML protocol. */
import { XMLParser } from 'fast-xml-parser';
import { malformedXml } from './errors';

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function escapeXml(value: string): string {
  return value.replace(/[<>&'"\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `<name>value</name>` with the value escaped; omitted when value is undefined. */
export function element(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function document(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${inner}</${root}>`;
}

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  isArray: (name) => ['Object', 'Part'].includes(name),
});

/** Parses a request body; throws MalformedXML when it is not XML with the expected root. */
export function parseXml(body: Buffer, root: string): Record<string, unknown> {
  let parsed: Record<string, unknown>;
  try {
    parsed = parser.parse(body.toString('utf8'), true) as Record<string, unknown>;
  } catch {
    throw malformedXml();
  }
  const value = parsed[root];
  if (value === undefined) throw malformedXml();
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
