/**
 * What IAM authorizes for each API call the local cloud serves: the action(s), the resource ARN(s)
 * and the condition keys that recops' policies use (`iam:PassedToService` for the roles a create
 * call hands to Personalize or Scheduler). Action names and resource types follow the Service
 * Authorization Reference (e.g. HeadObject is s3:GetObject, HeadBucket s3:ListBucket, and
 * List calls without a resource type are authorized on "*").
 */
import { ARN_PREFIX } from '../personalize/arns';
import { TARGET_PREFIX as PERSONALIZE_TARGET } from '../personalize/control-plane';
import { targetOf } from '../s3/service';
import { queueArn, queueNameFromUrl } from '../sqs';
import { parseQueryRequest } from '../sqs/query-protocol';
import { ACCOUNT_ID, REGION, type WireRequest } from '../wire';
import type { AccessRequest } from './policy';

/** One API call as IAM sees it. */
export interface AuthorizedCall {
  /** Operation name for messages and logs, e.g. `GetObject`. */
  readonly operation: string;
  readonly requests: readonly AccessRequest[];
}

type Json = Record<string, unknown>;

const PASSED_TO_SERVICE = 'iam:PassedToService';

function jsonBody(request: WireRequest): Json {
  if (request.body.length === 0) return {};
  try {
    const parsed: unknown = JSON.parse(request.body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Json) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

// ---- S3 ----

function s3Call(request: WireRequest): AuthorizedCall {
  const { bucket, key } = targetOf(request);
  const q = request.query;
  const one = (operation: string, action: string, resource: string): AuthorizedCall => ({ operation, requests: [{ action, resource }] });
  if (bucket === undefined) return one('ListBuckets', 's3:ListAllMyBuckets', '*');
  const bucketArn = `arn:aws:s3:::${bucket}`;
  if (key === undefined) {
    switch (request.method) {
      case 'PUT':
        return q.has('notification')
          ? one('PutBucketNotificationConfiguration', 's3:PutBucketNotification', bucketArn)
          : one('CreateBucket', 's3:CreateBucket', bucketArn);
      case 'HEAD':
        return one('HeadBucket', 's3:ListBucket', bucketArn);
      case 'DELETE':
        return one('DeleteBucket', 's3:DeleteBucket', bucketArn);
      case 'POST': {
        // DeleteObjects is authorized object by object.
        const keys = [...request.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1] ?? '');
        return {
          operation: 'DeleteObjects',
          requests: (keys.length > 0 ? keys : ['*']).map((k) => ({ action: 's3:DeleteObject', resource: `${bucketArn}/${k}` })),
        };
      }
      default:
        if (q.has('location')) return one('GetBucketLocation', 's3:GetBucketLocation', bucketArn);
        if (q.has('notification')) return one('GetBucketNotificationConfiguration', 's3:GetBucketNotification', bucketArn);
        if (q.has('uploads')) return one('ListMultipartUploads', 's3:ListBucketMultipartUploads', bucketArn);
        if (q.has('versioning')) return one('GetBucketVersioning', 's3:GetBucketVersioning', bucketArn);
        return one(q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects', 's3:ListBucket', bucketArn);
    }
  }
  const objectArn = `${bucketArn}/${key}`;
  if (q.has('tagging')) {
    const tagging = { PUT: 'PutObjectTagging', GET: 'GetObjectTagging', DELETE: 'DeleteObjectTagging' }[request.method];
    if (tagging !== undefined) return one(tagging, `s3:${tagging}`, objectArn);
  }
  // Setting tags with the write is also authorized as s3:PutObjectTagging.
  const tagsToo = request.headers['x-amz-tagging'] !== undefined ? [{ action: 's3:PutObjectTagging', resource: objectArn }] : [];
  switch (request.method) {
    case 'PUT': {
      const source = request.headers['x-amz-copy-source'];
      if (source !== undefined && !q.has('uploadId')) {
        const decoded = decodeURIComponent(source.replace(/^\//, '').split('?')[0] ?? '');
        return {
          operation: 'CopyObject',
          requests: [
            { action: 's3:GetObject', resource: `arn:aws:s3:::${decoded}` },
            { action: 's3:PutObject', resource: objectArn },
            ...tagsToo,
          ],
        };
      }
      if (q.has('uploadId')) return one('UploadPart', 's3:PutObject', objectArn);
      return { operation: 'PutObject', requests: [{ action: 's3:PutObject', resource: objectArn }, ...tagsToo] };
    }
    case 'HEAD':
      return one('HeadObject', 's3:GetObject', objectArn);
    case 'DELETE':
      return q.has('uploadId')
        ? one('AbortMultipartUpload', 's3:AbortMultipartUpload', objectArn)
        : one('DeleteObject', 's3:DeleteObject', objectArn);
    case 'POST':
      if (q.has('uploads'))
        return { operation: 'CreateMultipartUpload', requests: [{ action: 's3:PutObject', resource: objectArn }, ...tagsToo] };
      return one('CompleteMultipartUpload', 's3:PutObject', objectArn);
    default:
      return q.has('uploadId') ? one('ListParts', 's3:ListMultipartUploadParts', objectArn) : one('GetObject', 's3:GetObject', objectArn);
  }
}

// ---- SQS ----

function sqsCall(request: WireRequest): AuthorizedCall | undefined {
  let operation: string;
  let input: Json;
  if (request.target !== undefined) {
    operation = request.target.slice('AmazonSQS.'.length);
    input = jsonBody(request);
  } else {
    try {
      ({ action: operation, input } = parseQueryRequest(request.query, request.body, request.path, request.headers.host ?? ''));
    } catch {
      return undefined; // malformed: SQS answers it with its own validation error
    }
  }
  let resource = '*';
  const url = str(input.QueueUrl);
  const name = str(input.QueueName);
  try {
    if (url !== undefined) resource = queueArn(queueNameFromUrl(url));
    else if (name !== undefined) resource = queueArn(name);
  } catch {
    return undefined;
  }
  return { operation, requests: [{ action: `sqs:${operation}`, resource }] };
}

// ---- EventBridge ----

function busArnOf(nameOrArn: string | undefined): string {
  const value = nameOrArn ?? 'default';
  return value.startsWith('arn:') ? value : `arn:aws:events:${REGION}:${ACCOUNT_ID}:event-bus/${value}`;
}

function eventsCall(request: WireRequest): AuthorizedCall {
  const operation = (request.target ?? '').slice('AWSEvents.'.length);
  const input = jsonBody(request);
  const action = `events:${operation}`;
  if (operation === 'PutEvents') {
    const entries = Array.isArray(input.Entries) ? (input.Entries as Json[]) : [];
    const buses = [...new Set(entries.map((entry) => busArnOf(str(entry?.EventBusName))))];
    return { operation, requests: buses.map((resource) => ({ action, resource })) };
  }
  if (operation.startsWith('List')) return { operation, requests: [{ action, resource: '*' }] };
  const explicit = str(input.ResourceARN);
  if (explicit !== undefined) return { operation, requests: [{ action, resource: explicit }] };
  const bus = str(input.EventBusName);
  const ruleName = str(input.Rule) ?? (operation.endsWith('Rule') ? str(input.Name) : undefined);
  if (ruleName !== undefined) {
    const busName = bus?.startsWith('arn:') ? bus.slice(bus.lastIndexOf('/') + 1) : bus;
    const path = busName === undefined || busName === 'default' ? ruleName : `${busName}/${ruleName}`;
    return { operation, requests: [{ action, resource: `arn:aws:events:${REGION}:${ACCOUNT_ID}:rule/${path}` }] };
  }
  return { operation, requests: [{ action, resource: busArnOf(str(input.Name) ?? bus) }] };
}

// ---- Scheduler ----

function schedulerCall(request: WireRequest): AuthorizedCall | undefined {
  const segments = request.path.split('/').filter(Boolean);
  const [collection, name] = [segments[0], segments.length > 1 ? segments.slice(1).join('/') : undefined];
  const body = jsonBody(request);
  const arnOf = (type: string, path: string): string => `arn:aws:scheduler:${REGION}:${ACCOUNT_ID}:${type}/${path}`;
  const one = (operation: string, resource: string, extra: AccessRequest[] = []): AuthorizedCall => ({
    operation,
    requests: [{ action: `scheduler:${operation}`, resource }, ...extra],
  });
  if (collection === 'schedules') {
    if (name === undefined) return request.method === 'GET' ? one('ListSchedules', '*') : undefined;
    const group =
      (request.method === 'POST' || request.method === 'PUT' ? str(body.GroupName) : request.query.get('groupName')) ?? 'default';
    const schedule = arnOf('schedule', `${group}/${name}`);
    const target = body.Target as Json | undefined;
    const role = str(target?.RoleArn);
    const passRole: AccessRequest[] =
      role === undefined ? [] : [{ action: 'iam:PassRole', resource: role, context: { [PASSED_TO_SERVICE]: 'scheduler.amazonaws.com' } }];
    switch (request.method) {
      case 'POST':
        return one('CreateSchedule', schedule, passRole);
      case 'PUT':
        return one('UpdateSchedule', schedule, passRole);
      case 'GET':
        return one('GetSchedule', schedule);
      case 'DELETE':
        return one('DeleteSchedule', schedule);
    }
    return undefined;
  }
  if (collection === 'schedule-groups') {
    if (name === undefined) return request.method === 'GET' ? one('ListScheduleGroups', '*') : undefined;
    const group = arnOf('schedule-group', name);
    const operation = { POST: 'CreateScheduleGroup', GET: 'GetScheduleGroup', DELETE: 'DeleteScheduleGroup' }[request.method];
    return operation === undefined ? undefined : one(operation, group);
  }
  if (collection === 'tags' && name !== undefined) {
    const operation = { GET: 'ListTagsForResource', POST: 'TagResource', DELETE: 'UntagResource' }[request.method];
    return operation === undefined ? undefined : one(operation, name);
  }
  return undefined;
}

// ---- Personalize ----

const PERSONALIZE_DATA_PLANE: Readonly<Record<string, string>> = {
  '/recommendations': 'GetRecommendations',
  '/personalize-ranking': 'GetPersonalizedRanking',
  '/action-recommendations': 'GetActionRecommendations',
  '/events': 'PutEvents',
  '/items': 'PutItems',
  '/users': 'PutUsers',
  '/actions': 'PutActions',
  '/action-interactions': 'PutActionInteractions',
};

/** `DatasetGroup` → `dataset-group`, the resource-type segment of Personalize ARNs. */
const kebab = (pascal: string): string => pascal.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/**
 * The resource a Personalize call acts on, as AWS authorizes it: the one it creates (by `name`, or
 * `jobName` for jobs; a dataset under its group's name; a version on its solution), else the first
 * ARN it names. Stage-scoped grants (`<type>/<stage>-*`) are checked against it.
 */
function personalizeResource(operation: string, input: Json): string {
  if (operation.startsWith('List')) return '*';
  if (operation === 'CreateSolutionVersion') return str(input.solutionArn) ?? '*';
  const group = str(input.datasetGroupArn);
  const type = str(input.datasetType);
  if (operation === 'CreateDataset' && group !== undefined && type !== undefined)
    return `${ARN_PREFIX}dataset/${group.slice(group.lastIndexOf('/') + 1)}/${type.toUpperCase()}`;
  const name = str(input.name) ?? str(input.jobName);
  if (operation.startsWith('Create') && name !== undefined) return `${ARN_PREFIX}${kebab(operation.slice('Create'.length))}/${name}`;
  for (const [field, value] of Object.entries(input)) {
    if (field !== 'roleArn' && /Arn$|ARN$/.test(field) && typeof value === 'string' && value.startsWith('arn:')) return value;
  }
  return '*';
}

function personalizeCall(request: WireRequest): AuthorizedCall | undefined {
  const input = jsonBody(request);
  if (request.target === undefined) {
    const operation = PERSONALIZE_DATA_PLANE[request.path];
    return operation === undefined
      ? undefined
      : { operation, requests: [{ action: `personalize:${operation}`, resource: personalizeResource(operation, input) }] };
  }
  if (!request.target.startsWith(PERSONALIZE_TARGET)) return undefined;
  const operation = request.target.slice(PERSONALIZE_TARGET.length);
  const requests: AccessRequest[] = [{ action: `personalize:${operation}`, resource: personalizeResource(operation, input) }];
  // Creating with tags is authorized as personalize:TagResource too (tag-on-create).
  if (operation.startsWith('Create') && Array.isArray(input.tags) && input.tags.length > 0) {
    requests.push({ action: 'personalize:TagResource', resource: requests[0]?.resource ?? '*' });
  }
  // Import, export and batch jobs (and a dataset group's KMS access) hand a role to Personalize.
  const role = str(input.roleArn);
  if (role !== undefined)
    requests.push({ action: 'iam:PassRole', resource: role, context: { [PASSED_TO_SERVICE]: 'personalize.amazonaws.com' } });
  return { operation, requests };
}

/** The call as IAM authorizes it, or undefined when the request names no known operation (the service answers it). */
export function authorizedCallOf(request: WireRequest): AuthorizedCall | undefined {
  if (request.target?.startsWith('AmazonSQS.') || (request.target === undefined && request.signingName === 'sqs')) return sqsCall(request);
  if (request.target?.startsWith('AWSEvents.')) return eventsCall(request);
  if (request.signingName === 's3') return s3Call(request);
  if (request.signingName === 'scheduler') return schedulerCall(request);
  if (request.signingName === 'personalize' || request.target?.startsWith(PERSONALIZE_TARGET)) return personalizeCall(request);
  return undefined;
}
