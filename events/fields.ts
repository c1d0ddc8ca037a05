/**
 * Field schemas shared by every event detail. Each detail carries `runId`, `datasetGroupName`,
 * `stage` and, where one exists, the ARN of the resource it is about (`resourceArn`).
 */
import { z } from 'zod';

/** Personalize's name rule; runIds follow it too so they can be embedded in resource names and tags. */
export const PERSONALIZE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]*$/;

export const personalizeName = z
  .string()
  .max(63, 'must be at most 63 characters')
  .regex(PERSONALIZE_NAME, 'must start with a letter or digit and contain only letters, digits, "-" and "_"');

/**
 * Identifies one pipeline run from its trigger to Pipeline Completed/Failed. Same alphabet as
 * Personalize names (at most 63 characters) so resource names can be derived from it.
 */
const runId = personalizeName.describe('Identifies one pipeline run from trigger to completion');

const datasetGroupName = personalizeName.describe('Name of the dataset group the run works on');

/** The deployment stage (`sst deploy --stage NAME`, `RECOPS_STAGE`); `local` for the local cloud. */
const stage = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .describe('Deployment stage that published the event');

/** Personalize ARN, as the Personalize model constrains it (`arn:<partition>:personalize:…`, ≤ 256). */
export const personalizeArn = z
  .string()
  .max(256, 'must be at most 256 characters')
  .regex(/^arn:([a-z\d-]+):personalize:.*:.*:.+$/, 'must be a Personalize ARN (arn:<partition>:personalize:…)');

/** `YYYY_MM_DD_HH_MM_SS` (UTC): the run stamp per-run resource names and batch output folders carry. */
export const runStamp = z.string().regex(/^\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}$/, 'must be a run stamp YYYY_MM_DD_HH_MM_SS');

export const timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

export const s3Location = z.object({
  bucket: z.string().min(3).max(63),
  key: z.string().min(1).max(1024),
});
export type S3Location = z.infer<typeof s3Location>;

export const s3Prefix = z.object({
  bucket: z.string().min(3).max(63),
  prefix: z.string().max(1024),
});
export type S3Prefix = z.infer<typeof s3Prefix>;

/** Fields present in every detail (the catalog adds `schemaVersion` when building an entry). */
export const baseDetail = {
  runId,
  datasetGroupName,
  stage,
} as const;

/** A service's name as the manifest spells it (kebab-case). */
export const serviceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be a service name of services/manifest.ts (kebab-case)')
  .describe('The recops service (services/manifest.ts)');

/** What a failure said, kept short (the runtime clips error messages to 1,000 characters). */
export const failureReason = z.string().min(1).max(1000);

/** The catalog event an SQS message carried, when it parsed that far (its detail-type). */
export const messageEventType = z.string().min(1).max(128).optional().describe('detail-type of the event the message carried');
