/**
 * Every AWS SDK command a handler can reach must be allowed by the IAM statements its role gets
 * (built from services/manifest.ts by the same code as the AWS roles and the local cloud's IAM).
 * A missing grant fails here, naming the service, the command and the action, before any run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAllowed, runner, type AccessRequest } from '@recops/local';
import { QUEUE_CONSUMER_ACTIONS, type Permission, type ServiceDefinition } from '@recops/platform';
import { SERVICES } from '@recops/services/manifest';
import { describe, expect, it } from 'vitest';
import { ReachabilityAnalyzer, type ReachedCommand } from '../support/sdk-reachability';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const analyzer = new ReachabilityAnalyzer(ROOT);
const STAGE = 'reach';
const names = runner.localNames(STAGE);

/** IAM prefix of each SDK client. */
const PREFIX: Readonly<Record<string, string>> = {
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-personalize': 'personalize',
  '@aws-sdk/client-personalize-runtime': 'personalize',
  '@aws-sdk/client-personalize-events': 'personalize',
};

/** S3 operations authorized under another action's name (Service Authorization Reference). */
const S3_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  HeadObject: ['s3:GetObject'],
  ListObjectsV2: ['s3:ListBucket'],
  ListObjects: ['s3:ListBucket'],
  HeadBucket: ['s3:ListBucket'],
  CopyObject: ['s3:GetObject', 's3:PutObject'],
  DeleteObjects: ['s3:DeleteObject'],
  CreateMultipartUpload: ['s3:PutObject'],
  UploadPart: ['s3:PutObject'],
  CompleteMultipartUpload: ['s3:PutObject'],
};

/** Calls that hand a role to another service: iam:PassRole on that role, for that service. */
const PASSES_ROLE: Readonly<Record<string, { role: 'personalize' | 'scheduler'; service: string }>> = {
  CreateDatasetImportJob: { role: 'personalize', service: 'personalize.amazonaws.com' },
  CreateBatchInferenceJob: { role: 'personalize', service: 'personalize.amazonaws.com' },
  CreateBatchSegmentJob: { role: 'personalize', service: 'personalize.amazonaws.com' },
  CreateDatasetExportJob: { role: 'personalize', service: 'personalize.amazonaws.com' },
  CreateDataDeletionJob: { role: 'personalize', service: 'personalize.amazonaws.com' },
  CreateSchedule: { role: 'scheduler', service: 'scheduler.amazonaws.com' },
  UpdateSchedule: { role: 'scheduler', service: 'scheduler.amazonaws.com' },
};

/** Modules whose SQS calls go to the service's DLQ, not its queue: the runtime's dead-lettering. */
const SENDS_TO_DEAD_LETTER_QUEUE: ReadonlySet<string> = new Set(['packages/core/src/runtime/dead-letter.ts']);

/** The resource recops calls the command on, in the stage `names` describes. */
function resourceOf(prefix: string, action: string, service: ServiceDefinition, module = ''): string {
  switch (prefix) {
    case 's3':
      return action === 's3:ListBucket' ? `arn:aws:s3:::${names.bucketName}` : `arn:aws:s3:::${names.bucketName}/runs/key`;
    case 'sqs':
      return `arn:aws:sqs:us-east-1:000000000000:${SENDS_TO_DEAD_LETTER_QUEUE.has(module) ? names.deadLetterQueueName(service.name) : names.queueName(service.name)}`;
    case 'events':
      return `arn:aws:events:us-east-1:000000000000:event-bus/${names.busName}`;
    case 'scheduler':
      return action.startsWith('scheduler:List')
        ? '*'
        : `arn:aws:scheduler:us-east-1:000000000000:schedule/${names.schedulerGroupName}/nightly`;
    default:
      // A resource of this stage: its Personalize names carry the stage's prefix.
      return action.startsWith('personalize:List') ? '*' : `arn:aws:personalize:us-east-1:000000000000:dataset-group/${STAGE}-g`;
  }
}

/** What IAM checks when `service` sends `command`. */
function accessFor(reached: ReachedCommand, service: ServiceDefinition, source: string): AccessRequest[] {
  const prefix = PREFIX[reached.client] ?? reached.client;
  const operation = reached.command.replace(/Command$/, '');
  const actions = prefix === 's3' ? (S3_ACTIONS[operation] ?? [`s3:${operation}`]) : [`${prefix}:${operation.replace(/Batch$/, '')}`];
  const access: AccessRequest[] = actions.map((action) => ({ action, resource: resourceOf(prefix, action, service, reached.module) }));
  // A read of a key that may be missing needs s3:ListBucket, or S3 answers 403 instead of 404.
  if (prefix === 's3' && (operation === 'GetObject' || operation === 'HeadObject')) {
    access.push({ action: 's3:ListBucket', resource: `arn:aws:s3:::${names.bucketName}` });
  }
  // Writing an object with tags is also authorized as s3:PutObjectTagging (run documents: retention tags).
  if (prefix === 's3' && operation === 'PutObject' && /\bTagging:/.test(source)) {
    access.push({ action: 's3:PutObjectTagging', resource: resourceOf(prefix, 's3:PutObjectTagging', service) });
  }
  // Creating with tags is also authorized as personalize:TagResource (tag-on-create).
  if (prefix === 'personalize' && operation.startsWith('Create') && /\btags:/.test(source)) {
    access.push({ action: 'personalize:TagResource', resource: resourceOf(prefix, 'personalize:TagResource', service) });
  }
  const passes = PASSES_ROLE[operation];
  if (passes) {
    access.push({
      action: 'iam:PassRole',
      resource: passes.role === 'personalize' ? names.personalizeRoleArn : names.schedulerRoleArn,
      context: { 'iam:PassedToService': passes.service },
    });
  }
  return access;
}

/** One line per reachable command the service's grants do not allow. */
function uncovered(service: ServiceDefinition): string[] {
  const statements = runner.servicePrincipal(service, names, STAGE).statements;
  const problems: string[] = [];
  for (const reached of analyzer.commandsFrom(`${service.handler.slice(0, service.handler.lastIndexOf('.'))}.ts`, 'main')) {
    const source = readFileSync(join(ROOT, reached.module), 'utf8');
    for (const access of accessFor(reached, service, source)) {
      if (!isAllowed(statements, access)) {
        problems.push(
          `${service.name} can reach ${reached.command} (${reached.module}) but is not granted ${access.action} on ${access.resource}`,
        );
      }
    }
  }
  return [...new Set(problems)];
}

function without(service: ServiceDefinition, action: string): ServiceDefinition {
  const permissions: Permission[] = service.permissions
    .map((p) => ({ ...p, actions: p.actions.filter((a) => a !== action) }))
    .filter((p) => p.actions.length > 0);
  return { ...service, permissions };
}

describe('SDK commands each handler can reach', () => {
  it.each(SERVICES.map((s) => [s.name, s] as const))('%s is granted every action its commands need', (_name, service) => {
    expect(uncovered(service)).toEqual([]);
  });

  it('finds the commands the issue names: the trainer claim PutObject, the state reads that need ListBucket', () => {
    const trainer = SERVICES.find((s) => s.name === 'solution-trainer') as ServiceDefinition;
    expect(uncovered(without(trainer, 's3:PutObject'))).toContainEqual(
      expect.stringMatching(/^solution-trainer can reach PutObjectCommand \(.*\) but is not granted s3:PutObject/),
    );
    for (const name of ['run-tracker', 'schedule-manager', 'solution-trainer']) {
      const service = SERVICES.find((s) => s.name === name) as ServiceDefinition;
      expect(uncovered(without(service, 's3:ListBucket'))).toContainEqual(
        expect.stringMatching(new RegExp(`^${name} can reach GetObjectCommand \\(.*\\) but is not granted s3:ListBucket`)),
      );
    }
  });

  it('reports every granted action a handler actually uses when that grant is taken away', () => {
    // A grant no reachable command needs is listed here: either dead weight in the role or a call
    // the analysis cannot see (it must then be explained in the manifest).
    const unused: string[] = [];
    for (const service of SERVICES) {
      for (const action of new Set(service.permissions.flatMap((p) => p.actions))) {
        // Every queue consumer holds these on its own queue anyway (QUEUE_CONSUMER_ACTIONS).
        if (service.queue !== undefined && (QUEUE_CONSUMER_ACTIONS as readonly string[]).includes(action)) continue;
        if (uncovered(without(service, action)).length === 0) unused.push(`${service.name} ${action}`);
      }
    }
    expect(unused).toEqual([]);
  });
});
