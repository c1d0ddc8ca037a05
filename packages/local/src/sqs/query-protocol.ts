/**
 * SQS over the AWS query protocol (`Action=SendMessage&…` form parameters, XML responses), which
 * SDKs and CLIs released before SQS moved to JSON (November 2023) still speak — Debian 12's
 * `awscli` 2.9 among them. Requests are translated to the JSON 1.0 input shapes and answers back
 * to XML, so both protocols share one implementation.
 *
 * Query serialisation (botocore's SQS model): flattened lists as `AttributeName.1`, maps as
 * `Attribute.1.Name` / `Attribute.1.Value`, message attributes as `MessageAttribute.1.Value.DataType`,
 * batch entries as `SendMessageBatchRequestEntry.1.Id`.
 */
import { randomUUID } from 'node:crypto';
import { SqsError } from './errors';

type Json = Record<string, unknown>;

const XMLNS = 'http://queue.amazonaws.com/doc/2012-11-05/';

const INTEGER_PARAMS = new Set([
  'DelaySeconds',
  'MaxNumberOfMessages',
  'VisibilityTimeout',
  'WaitTimeSeconds',
  'MaxResults',
  'MaxNumberOfMessagesPerSecond',
]);

const BATCH_ENTRY_PREFIXES = ['SendMessageBatchRequestEntry', 'DeleteMessageBatchRequestEntry', 'ChangeMessageVisibilityBatchRequestEntry'];

type Tree = { [key: string]: Tree | string };

/** `a.1.b=v` → `{ a: { 1: { b: 'v' } } }`. */
function toTree(params: URLSearchParams): Tree {
  const root: Tree = {};
  for (const [key, value] of params) {
    const parts = key.split('.');
    let node = root;
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1) node[part] = value;
      else {
        const next = node[part];
        node = typeof next === 'object' ? next : (node[part] = {});
      }
    }
  }
  return root;
}

/** The members of a flattened list or map, in index order. */
function indexed(node: Tree | string | undefined): (Tree | string)[] {
  if (node === undefined || typeof node === 'string') return [];
  return Object.keys(node)
    .filter((key) => /^\d+$/.test(key))
    .sort((a, b) => Number(a) - Number(b))
    .map((key) => node[key] as Tree | string);
}

const text = (node: Tree | string | undefined): string | undefined => (typeof node === 'string' ? node : undefined);

function nameValueMap(node: Tree | string | undefined, keyName: string, valueName: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of indexed(node)) {
    if (typeof entry === 'string') continue;
    const key = text(entry[keyName]);
    const value = text(entry[valueName]);
    if (key !== undefined && value !== undefined) map[key] = value;
  }
  return map;
}

function messageAttributes(node: Tree | string | undefined): Json | undefined {
  const entries = indexed(node);
  if (entries.length === 0) return undefined;
  const map: Json = {};
  for (const entry of entries) {
    if (typeof entry === 'string') continue;
    const name = text(entry.Name);
    const value = entry.Value;
    if (name === undefined || typeof value !== 'object') continue;
    map[name] = {
      ...(text(value.DataType) !== undefined ? { DataType: text(value.DataType) } : {}),
      ...(text(value.StringValue) !== undefined ? { StringValue: text(value.StringValue) } : {}),
      ...(text(value.BinaryValue) !== undefined ? { BinaryValue: text(value.BinaryValue) } : {}),
    };
  }
  return map;
}

/** Converts one level of query parameters to the JSON input shape. */
function toJson(tree: Tree, action: string): Json {
  const body: Json = {};
  for (const [key, node] of Object.entries(tree)) {
    if (key === 'Action' || key === 'Version') continue;
    if (key === 'Attribute') body.Attributes = nameValueMap(node, 'Name', 'Value');
    else if (key === 'AttributeName') body.AttributeNames = indexed(node).filter((item): item is string => typeof item === 'string');
    else if (key === 'MessageSystemAttributeName')
      body.MessageSystemAttributeNames = indexed(node).filter((item): item is string => typeof item === 'string');
    else if (key === 'MessageAttributeName')
      body.MessageAttributeNames = indexed(node).filter((item): item is string => typeof item === 'string');
    else if (key === 'MessageAttribute') body.MessageAttributes = messageAttributes(node);
    else if (key === 'Tag') body[action === 'CreateQueue' ? 'tags' : 'Tags'] = nameValueMap(node, 'Key', 'Value');
    else if (key === 'TagKey') body.TagKeys = indexed(node).filter((item): item is string => typeof item === 'string');
    else if (BATCH_ENTRY_PREFIXES.includes(key)) {
      body.Entries = indexed(node).map((entry) => (typeof entry === 'string' ? {} : toJson(entry, action)));
    } else if (typeof node === 'string') {
      body[key] = INTEGER_PARAMS.has(key) && /^-?\d+$/.test(node) ? Number(node) : node;
    }
  }
  return body;
}

/**
 * Reads a query-protocol request: parameters from the URL and a form body. A request sent to the
 * queue's own URL (`/<account>/<name>`) without `QueueUrl` addresses that queue, as SQS allows.
 */
export function parseQueryRequest(query: URLSearchParams, body: Buffer, path: string, host: string): { action: string; input: Json } {
  const params = new URLSearchParams(query);
  for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
  const action = params.get('Action');
  if (!action) throw new SqsError('MissingAction', 'The request must contain the parameter Action.', 'MissingAction');
  const input = toJson(toTree(params), action);
  const segments = path.split('/').filter(Boolean);
  if (input.QueueUrl === undefined && segments.length === 2) input.QueueUrl = `http://${host}/${segments.join('/')}`;
  return { action, input };
}

const escapeXml = (value: string): string =>
  value.replace(
    /[&<>"'\r]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#xD;' })[char] as string,
  );

/** Element names of flattened lists in results. */
function listElement(action: string, key: string): string {
  switch (key) {
    case 'QueueUrls':
    case 'queueUrls':
      return 'QueueUrl';
    case 'Messages':
      return 'Message';
    case 'Successful':
      return `${action}ResultEntry`;
    case 'Failed':
      return 'BatchResultErrorEntry';
    case 'Results':
      return `${action}ResultEntry`;
    default:
      return key;
  }
}

function renderValue(action: string, key: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const element = listElement(action, key);
    return value.map((item) => renderValue(action, element, item)).join('');
  }
  if (typeof value === 'object') {
    const record = value as Json;
    if (key === 'Attributes')
      return Object.entries(record)
        .map(([name, v]) => `<Attribute><Name>${escapeXml(name)}</Name><Value>${escapeXml(String(v))}</Value></Attribute>`)
        .join('');
    if (key === 'Tags')
      return Object.entries(record)
        .map(([name, v]) => `<Tag><Key>${escapeXml(name)}</Key><Value>${escapeXml(String(v))}</Value></Tag>`)
        .join('');
    if (key === 'MessageAttributes') {
      return Object.entries(record)
        .map(
          ([name, v]) =>
            `<MessageAttribute><Name>${escapeXml(name)}</Name><Value>${renderFields(action, v as Json)}</Value></MessageAttribute>`,
        )
        .join('');
    }
    return `<${key}>${renderFields(action, record)}</${key}>`;
  }
  return `<${key}>${escapeXml(String(value))}</${key}>`;
}

function renderFields(action: string, record: Json): string {
  return Object.entries(record)
    .map(([key, value]) => renderValue(action, key, value))
    .join('');
}

export function renderQueryResponse(action: string, result: Json): string {
  return (
    `<?xml version="1.0"?><${action}Response xmlns="${XMLNS}"><${action}Result>${renderFields(action, result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`
  );
}

export function renderQueryError(error: SqsError): string {
  return (
    `<?xml version="1.0"?><ErrorResponse xmlns="${XMLNS}"><Error><Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
    `<Code>${escapeXml(error.queryCode)}</Code><Message>${escapeXml(error.message)}</Message><Detail/></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
}
