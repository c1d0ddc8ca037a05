/**
 * The Personalize resource kinds the chain waits on. Each has its own `<Kind> Status Changed`
 * event (see `status-changed.ts`); Watch Requested names one of them.
 */
export const RESOURCE_KIND = {
  datasetGroup: 'datasetGroup',
  dataset: 'dataset',
  datasetImportJob: 'datasetImportJob',
  eventTracker: 'eventTracker',
  filter: 'filter',
  solution: 'solution',
  solutionVersion: 'solutionVersion',
  campaign: 'campaign',
  batchInferenceJob: 'batchInferenceJob',
  batchSegmentJob: 'batchSegmentJob',
  recommender: 'recommender',
} as const;

export type ResourceKind = (typeof RESOURCE_KIND)[keyof typeof RESOURCE_KIND];

export const RESOURCE_KINDS = Object.values(RESOURCE_KIND) as readonly ResourceKind[];

/** Human name of each kind, as Personalize calls the resource; used in detail-types. */
export const RESOURCE_KIND_LABEL: Readonly<Record<ResourceKind, string>> = {
  datasetGroup: 'Dataset Group',
  dataset: 'Dataset',
  datasetImportJob: 'Dataset Import Job',
  eventTracker: 'Event Tracker',
  filter: 'Filter',
  solution: 'Solution',
  solutionVersion: 'Solution Version',
  campaign: 'Campaign',
  batchInferenceJob: 'Batch Inference Job',
  batchSegmentJob: 'Batch Segment Job',
  recommender: 'Recommender',
};
