/**
 * AccessDenied as each AWS protocol answers it, so the SDK raises the error AWS would raise:
 * S3 `403 AccessDenied` (XML), SQS `403 AccessDenied` (JSON 1.0 with the query-compatible code,
 * or query XML), EventBridge and the Personalize control plane `400 AccessDeniedException` (JSON 1.1),
 * Scheduler and the Personalize data plane `403 AccessDeniedException` (REST-JSON). The message
 * is IAM's: the principal, the action, the resource and why.
 */
import { randomUUID } from 'node:crypto';
import type { WireRequest, WireResponse } from '../wire';
import type { AccessRequest } from './policy';

function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** IAM's sentence for an implicit deny; S3 quotes the resource. */
export function denialMessage(principalArn: string, denied: AccessRequest, quoteResource: boolean): string {
  const resource = quoteResource ? `"${denied.resource}"` : denied.resource;
  return `User: ${principalArn} is not authorized to perform: ${denied.action} on resource: ${resource} because no identity-based policy allows the ${denied.action} action`;
}

/** True for S3's REST-XML requests (its messages quote the resource). */
export function isS3Request(request: WireRequest): boolean {
  return request.signingName === 's3' && request.target === undefined;
}

export function accessDeniedResponse(request: WireRequest, message: string): WireResponse {
  const requestId = randomUUID();
  if (isS3Request(request)) {
    return {
      status: 403,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${xmlEscape(message)}</Message><RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`,
    };
  }
  if (request.target?.startsWith('AmazonSQS.')) {
    return {
      status: 403,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId, 'x-amzn-query-error': 'AccessDenied;Sender' },
      body: JSON.stringify({ __type: 'com.amazon.coral.service#AccessDeniedException', message }),
    };
  }
  if (request.signingName === 'sqs' && request.target === undefined) {
    return {
      status: 403,
      headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
      body:
        `<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>` +
        `<Code>AccessDenied</Code><Message>${xmlEscape(message)}</Message><Detail/></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  if (request.target !== undefined) {
    return {
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'AccessDeniedException' },
      body: JSON.stringify({ __type: 'AccessDeniedException', message }),
    };
  }
  return {
    status: 403,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'AccessDeniedException' },
    body: JSON.stringify({ Message: message, message }),
  };
}
