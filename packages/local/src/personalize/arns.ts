/**
 * ARNs of the local Personalize resources (`arn:aws:personalize:<region>:<account>:<suffix>`).
 * Datasets are `dataset/<datasetGroupName>/<TYPE>`, solution versions `solution/<name>/<8 hex>`.
 */
import { randomBytes } from 'node:crypto';
import { ACCOUNT_ID, REGION } from '../wire';

/** The one account of the local cloud, for resources that carry it beside their ARN. */
export { ACCOUNT_ID };

/** Resource kinds the store holds; the value is the ARN resource-type segment. */
export const ResourceKind = {
  datasetGroup: 'dataset-group',
  schema: 'schema',
  dataset: 'dataset',
  datasetImportJob: 'dataset-import-job',
  solution: 'solution',
  solutionVersion: 'solution-version',
  campaign: 'campaign',
  filter: 'filter',
  eventTracker: 'event-tracker',
  recommender: 'recommender',
  batchInferenceJob: 'batch-inference-job',
  batchSegmentJob: 'batch-segment-job',
} as const;
export type ResourceKind = (typeof ResourceKind)[keyof typeof ResourceKind];

/** Human label per kind, used in error messages. */
export const KIND_LABEL: Readonly<Record<ResourceKind, string>> = {
  'dataset-group': 'Dataset group',
  schema: 'Schema',
  dataset: 'Dataset',
  'dataset-import-job': 'Dataset import job',
  solution: 'Solution',
  'solution-version': 'Solution version',
  campaign: 'Campaign',
  filter: 'Filter',
  'event-tracker': 'Event tracker',
  recommender: 'Recommender',
  'batch-inference-job': 'Batch inference job',
  'batch-segment-job': 'Batch segment job',
};

export const ARN_PREFIX = `arn:aws:personalize:${REGION}:${ACCOUNT_ID}:`;

/** boto's pattern for Personalize ARNs, plus its 256-character limit. */
export const ARN_PATTERN = /^arn:([a-z\d-]+):personalize:.*:.*:.+$/;

export function resourceArn(kind: Exclude<ResourceKind, 'dataset' | 'solution-version'>, name: string): string {
  return `${ARN_PREFIX}${kind}/${name}`;
}

export function datasetArn(datasetGroupName: string, datasetType: string): string {
  return `${ARN_PREFIX}dataset/${datasetGroupName}/${datasetType}`;
}

export function solutionVersionArn(solutionArn: string): string {
  return `${solutionArn}/${randomBytes(4).toString('hex')}`;
}

/** `solution/<name>/$LATEST`, accepted by Create/UpdateCampaign with syncWithLatestSolutionVersion. */
export function isLatestVersionAlias(arn: string): boolean {
  return arn.endsWith('/$LATEST');
}

export function recipeArn(name: string): string {
  return `arn:aws:personalize:::recipe/${name}`;
}
