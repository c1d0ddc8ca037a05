/**
 * The service manifest: every recops service, what wakes it up and what it may do. `stacks/` turns
 * it into AWS resources and `packages/local` into the same topology in one process; both read only
 * this file. Patterns come from the event catalog, so a renamed event cannot leave a stale rule.
 *
 * Permissions list the calls each service's own code makes. Lambda's event source mapping needs
 * (sqs:ReceiveMessage, DeleteMessage, GetQueueAttributes), the runtime's sqs:SendMessage to the
 * service's own DLQ (core/runtime/dead-letter.ts) and CloudWatch Logs are added for every queue
 * consumer (packages/platform/src/manifest-policy.ts) and are not repeated here. A service that
 * writes under `runs/<dsg>/<runId>/` needs s3:PutObjectTagging too: every such document is written
 * with the open-run tag the bucket's lifecycle rules expire (@recops/platform retention.ts).
 */
import {
  batchInferenceJobStatusChanged,
  batchOutputReady,
  batchSegmentJobStatusChanged,
  campaignDeployed,
  campaignStatusChanged,
  datasetGroupStatusChanged,
  datasetImportJobStatusChanged,
  datasetStatusChanged,
  messageDeadLettered,
  messageRecovered,
  pipelineCompleted,
  pipelineFailed,
  pipelineRequested,
  scheduleFired,
  solutionStatusChanged,
  solutionVersionPromoted,
  solutionVersionRejected,
  solutionVersionStatusChanged,
  STATUS_CHANGED_EVENTS,
  stepFailed,
  stepRetrying,
  watchRequested,
  type EventDefinition,
} from '@recops/events';
import type { BusPattern, Permission, QueueSettings, ServiceDefinition } from '@recops/platform';

/** 14 days, the SQS maximum: time enough to inspect and redrive a poison message. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

/** AWS guidance for SQS event sources: visibility timeout at least 6 × the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

function queue(timeoutSeconds: number, settings: Partial<QueueSettings> = {}): QueueSettings {
  return {
    batchSize: 10,
    batchingWindowSeconds: 0,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_FACTOR * timeoutSeconds,
    // Throttling and LimitExceeded retries count as receives; 10 leaves room for backoff up to 15 min.
    maxReceiveCount: 10,
    dlqRetentionSeconds: DLQ_RETENTION_SECONDS,
    ...settings,
  };
}

/** One pattern matching any of several events of the same source (one rule instead of many). */
function anyOf(definitions: readonly EventDefinition[]): BusPattern {
  const sources = [...new Set(definitions.map((d) => d.source))];
  if (sources.length !== 1) throw new Error(`anyOf needs events of one source, got ${sources.join(', ')}`);
  return { source: sources, 'detail-type': definitions.map((d) => d.detailType) };
}

const ACTIVE = { status: ['ACTIVE'] } as const;

const publishEvents: Permission = { actions: ['events:PutEvents'], scope: 'bus' };
/** The run door's name-clash check (services/name-clash.ts): account-wide lists, a Describe per match. */
const checkNameClashes: Permission = {
  actions: [
    'personalize:ListSolutions',
    'personalize:DescribeSolution',
    'personalize:ListCampaigns',
    'personalize:DescribeCampaign',
    'personalize:ListFilters',
    'personalize:ListRecommenders',
    'personalize:ListEventTrackers',
    'personalize:DescribeEventTracker',
  ],
  scope: 'personalize',
};
const retryWithBackoff: Permission = { actions: ['sqs:ChangeMessageVisibility'], scope: 'ownQueue' };
const passPersonalizeRole: Permission = { actions: ['iam:PassRole'], scope: 'personalizeRole' };

/** Describe/List for every resource kind the watcher observes. */
const PERSONALIZE_READ_STATUS = [
  'personalize:DescribeDatasetGroup',
  'personalize:DescribeDataset',
  'personalize:DescribeDatasetImportJob',
  'personalize:ListDatasetImportJobs',
  'personalize:DescribeEventTracker',
  'personalize:DescribeFilter',
  'personalize:DescribeSolution',
  'personalize:DescribeSolutionVersion',
  'personalize:ListSolutionVersions',
  'personalize:DescribeCampaign',
  'personalize:DescribeBatchInferenceJob',
  'personalize:DescribeBatchSegmentJob',
  'personalize:DescribeRecommender',
  // One List per kind and parent answers a batch of watches (status-watcher/status-reader.ts).
  'personalize:ListDatasets',
  'personalize:ListEventTrackers',
  'personalize:ListFilters',
  'personalize:ListSolutions',
  'personalize:ListRecommenders',
  'personalize:ListCampaigns',
  'personalize:ListBatchInferenceJobs',
  'personalize:ListBatchSegmentJobs',
] as const;

const configIntake: ServiceDefinition = {
  name: 'config-intake',
  handler: 'services/config-intake/handler.main',
  timeoutSeconds: 60,
  memoryMB: 512,
  subscriptions: [],
  s3Triggers: [{ prefix: 'train/', suffix: '.json' }],
  permissions: [
    // Read the parameter file, list the CSVs beside it, write the resolved plan under runs/.
    { actions: ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging'], scope: 'bucket' },
    checkNameClashes,
    publishEvents,
  ],
};

const runStarterTimeout = 60;
const runStarter: ServiceDefinition = {
  name: 'run-starter',
  handler: 'services/run-starter/handler.main',
  timeoutSeconds: runStarterTimeout,
  memoryMB: 512,
  // A schedule's firing starts a run through the same door as an upload (services/run-start.ts).
  subscriptions: [scheduleFired.pattern()],
  queue: queue(runStarterTimeout),
  s3Triggers: [],
  permissions: [
    // Read the parameter file, list the CSVs beside it, write the run's document under runs/.
    { actions: ['s3:GetObject', 's3:ListBucket', 's3:PutObject', 's3:PutObjectTagging'], scope: 'bucket' },
    checkNameClashes,
    publishEvents,
    retryWithBackoff,
  ],
};

const datasetProvisionerTimeout = 60;
const datasetProvisioner: ServiceDefinition = {
  name: 'dataset-provisioner',
  handler: 'services/dataset-provisioner/handler.main',
  timeoutSeconds: datasetProvisionerTimeout,
  memoryMB: 512,
  subscriptions: [
    // Runs of everything provision; runs of the file's imports import into the existing datasets.
    pipelineRequested.pattern({ scope: { kind: ['everything', 'import'] } }),
    // Datasets need an ACTIVE dataset group, import jobs an ACTIVE dataset: continue when they are.
    { ...anyOf([datasetGroupStatusChanged, datasetStatusChanged]), detail: ACTIVE },
  ],
  queue: queue(datasetProvisionerTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'personalize:CreateDatasetGroup',
        'personalize:ListDatasetGroups',
        'personalize:CreateSchema',
        'personalize:DescribeSchema',
        'personalize:ListSchemas',
        'personalize:CreateDataset',
        'personalize:DescribeDataset',
        'personalize:ListDatasets',
        'personalize:UpdateDataset',
        'personalize:CreateDatasetImportJob',
        'personalize:ListDatasetImportJobs',
        'personalize:CreateEventTracker',
        'personalize:DescribeEventTracker',
        'personalize:ListEventTrackers',
        'personalize:TagResource', // creating with tags is authorized as TagResource too
      ],
      scope: 'personalize',
    },
    passPersonalizeRole,
    // The run's document (runs/<dsg>/<runId>/plan.json); ListBucket so a missing one reads as 404.
    { actions: ['s3:GetObject', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

const statusWatcherTimeout = 30;
const statusWatcher: ServiceDefinition = {
  name: 'status-watcher',
  handler: 'services/status-watcher/handler.main',
  timeoutSeconds: statusWatcherTimeout,
  memoryMB: 256,
  subscriptions: [watchRequested.pattern()],
  // Re-checks ride on the same queue (SendMessage with DelaySeconds ≤ 15 min), so receives grow
  // with every check only through genuine failures; keep maxReceiveCount at the default.
  queue: queue(statusWatcherTimeout),
  s3Triggers: [],
  permissions: [
    { actions: [...PERSONALIZE_READ_STATUS], scope: 'personalize' },
    // One watch per resource and run: a conditional write under runs/<dsg>/<runId>/watches/ claims it.
    // ListBucket: a claim read back after a lost create may be gone (404, not 403) and is claimed again.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    { actions: ['sqs:SendMessage', 'sqs:ChangeMessageVisibility'], scope: 'ownQueue' },
    publishEvents,
  ],
};

const solutionTrainerTimeout = 60;
const solutionTrainer: ServiceDefinition = {
  name: 'solution-trainer',
  handler: 'services/solution-trainer/handler.main',
  timeoutSeconds: solutionTrainerTimeout,
  memoryMB: 512,
  subscriptions: [
    // The join: every import ACTIVE (checked against Personalize, not by counting these events).
    datasetImportJobStatusChanged.pattern(ACTIVE),
    // Solution versions need an ACTIVE solution.
    solutionStatusChanged.pattern(ACTIVE),
    // A file without datasets imports nothing: its run trains once the dataset group is ACTIVE.
    datasetGroupStatusChanged.pattern(ACTIVE),
    // A full/update schedule's run retrains one solution.
    pipelineRequested.pattern({ scope: { kind: ['retrain'] } }),
  ],
  queue: queue(solutionTrainerTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'personalize:ListDatasetGroups', // join look-up
        'personalize:StopSolutionVersionCreation', // duplicate-version clean-up
        'personalize:ListDatasets',
        'personalize:ListDatasetImportJobs',
        'personalize:CreateFilter',
        'personalize:DescribeFilter',
        'personalize:ListFilters',
        'personalize:CreateSolution',
        'personalize:DescribeSolution',
        'personalize:ListSolutions',
        'personalize:CreateSolutionVersion',
        'personalize:DescribeSolutionVersion',
        'personalize:ListSolutionVersions',
        'personalize:CreateRecommender',
        'personalize:ListRecommenders',
        'personalize:TagResource', // creating with tags is authorized as TagResource too
      ],
      scope: 'personalize',
    },
    // Read the run's plan; the claim on a version (runtime/claim.ts) is a conditional PutObject, and
    // without ListBucket S3 answers a missing key with 403 instead of 404.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

const modelEvaluatorTimeout = 60;
const modelEvaluator: ServiceDefinition = {
  name: 'model-evaluator',
  handler: 'services/model-evaluator/handler.main',
  timeoutSeconds: modelEvaluatorTimeout,
  memoryMB: 256,
  subscriptions: [solutionVersionStatusChanged.pattern(ACTIVE)],
  queue: queue(modelEvaluatorTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'personalize:GetSolutionMetrics',
        // The live version: the one the solution's campaign serves.
        'personalize:ListCampaigns',
        'personalize:DescribeCampaign',
      ],
      scope: 'personalize',
    },
    // The run's plan (gate settings); models/<dsg>/<solution>/ decisions (created once, IfNoneMatch)
    // and the last promoted version (conditional update). ListBucket: a missing record reads as 404.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

const campaignDeployerTimeout = 60;
const campaignDeployer: ServiceDefinition = {
  name: 'campaign-deployer',
  handler: 'services/campaign-deployer/handler.main',
  timeoutSeconds: campaignDeployerTimeout,
  memoryMB: 256,
  // Only Promoted: a rejected version never reaches a campaign. Campaign ACTIVE → Campaign Deployed.
  // Solution ACTIVE: campaigns pinned to a version of a solution the run does not train.
  subscriptions: [solutionVersionPromoted.pattern(), campaignStatusChanged.pattern(ACTIVE), solutionStatusChanged.pattern(ACTIVE)],
  queue: queue(campaignDeployerTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'personalize:CreateCampaign',
        'personalize:UpdateCampaign',
        'personalize:DescribeCampaign',
        'personalize:ListCampaigns',
        // A campaign name taken by another group's campaign: which group (core/ops/campaign.ts).
        'personalize:DescribeSolution',
        'personalize:TagResource',
      ],
      scope: 'personalize',
    },
    // The run's plan and the solution's last promoted version; the Campaign Deployed claim
    // (conditional PutObject). ListBucket: a missing record reads as 404, not 403.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

const batchRunnerTimeout = 60;
const batchRunner: ServiceDefinition = {
  name: 'batch-runner',
  handler: 'services/batch-runner/handler.main',
  timeoutSeconds: batchRunnerTimeout,
  memoryMB: 256,
  // After the gate: on the promoted version, or on the live one when the new version was rejected;
  // on a schedule, on the solution's latest promoted version.
  subscriptions: [anyOf([solutionVersionPromoted, solutionVersionRejected]), pipelineRequested.pattern({ scope: { kind: ['batch'] } })],
  queue: queue(batchRunnerTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'personalize:CreateBatchInferenceJob',
        'personalize:ListBatchInferenceJobs',
        'personalize:CreateBatchSegmentJob',
        'personalize:ListBatchSegmentJobs',
        // A job's filterArn may name a filter of the file: its ARN is looked up in the dataset group.
        'personalize:ListDatasetGroups',
        'personalize:ListFilters',
        'personalize:TagResource',
      ],
      scope: 'personalize',
    },
    passPersonalizeRole,
    // The run's plan; the job's input is checked before it starts (ListBucket); the job record
    // under batch-jobs/ is written for the batch output notifier.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

/** Where batch output lands by default (`batch/<dsg>/<solution>/<solution>_<stamp>/`); `.out` files only. */
export const BATCH_OUTPUT_TRIGGER = { prefix: 'batch/', suffix: '.out' } as const;

const batchOutputNotifierTimeout = 60;
const batchOutputNotifier: ServiceDefinition = {
  name: 'batch-output-notifier',
  handler: 'services/batch-output-notifier/handler.main',
  timeoutSeconds: batchOutputNotifierTimeout,
  memoryMB: 512,
  // Whichever comes last completes the output: the job's ACTIVE or its last .out object.
  subscriptions: [{ ...anyOf([batchInferenceJobStatusChanged, batchSegmentJobStatusChanged]), detail: ACTIVE }],
  queue: queue(batchOutputNotifierTimeout),
  s3Triggers: [BATCH_OUTPUT_TRIGGER],
  permissions: [
    { actions: ['personalize:DescribeBatchInferenceJob', 'personalize:DescribeBatchSegmentJob'], scope: 'personalize' },
    // Job records, inputs and outputs (read, listed), manifest.json and _CHECK (written), the claim.
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

const scheduleManagerTimeout = 30;
const scheduleManager: ServiceDefinition = {
  name: 'schedule-manager',
  handler: 'services/schedule-manager/handler.main',
  timeoutSeconds: scheduleManagerTimeout,
  memoryMB: 256,
  // Each uploaded run's plan lists the file's schedules: create/update them, delete the ones it
  // dropped, once the run's dataset group is ACTIVE (a group that could not be created gets none).
  subscriptions: [datasetGroupStatusChanged.pattern(ACTIVE)],
  queue: queue(scheduleManagerTimeout),
  s3Triggers: [],
  permissions: [
    {
      actions: [
        'scheduler:CreateSchedule',
        'scheduler:UpdateSchedule',
        'scheduler:GetSchedule',
        'scheduler:DeleteSchedule',
        'scheduler:ListSchedules',
      ],
      scope: 'schedulerGroup',
    },
    // Schedules put Schedule Fired on the bus through the scheduler role.
    { actions: ['iam:PassRole'], scope: 'schedulerRole' },
    // The plan of a run lives in the bucket when it is too large for the event; each dataset
    // group's applied-run document (runs/<dsg>/schedules.json) is read and conditionally written.
    // ListBucket: the first read of that document must see 404, not 403. PutObjectTagging: the shared
    // document writer tags run documents (schedules.json itself is written without tags).
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    // Its retries and dead letters are reported on the bus (Step Retrying, Message Dead-Lettered).
    publishEvents,
    retryWithBackoff,
  ],
};

const runTrackerTimeout = 30;
const runTracker: ServiceDefinition = {
  name: 'run-tracker',
  handler: 'services/run-tracker/handler.main',
  timeoutSeconds: runTrackerTimeout,
  memoryMB: 256,
  subscriptions: [
    // Step Retrying is kept in the run's state (recops status); a dead letter fails the run, and
    // its recovery after a redrive lets the run complete.
    // Its own Pipeline Completed/Failed: hearing one back confirms the outcome is published (no second publish after a crash).
    anyOf([pipelineRequested, stepFailed, stepRetrying, messageDeadLettered, messageRecovered, pipelineCompleted, pipelineFailed]),
    watchRequested.pattern(),
    anyOf(STATUS_CHANGED_EVENTS),
    // The deploy half's goals: the gate's decision, campaigns deployed, batch outputs ready.
    anyOf([solutionVersionPromoted, solutionVersionRejected]),
    campaignDeployed.pattern(),
    batchOutputReady.pattern(),
  ],
  queue: queue(runTrackerTimeout),
  s3Triggers: [],
  permissions: [
    // Run state: conditional GetObject/PutObject on runs/<dsg>/<runId>/state.json; the plan beside it.
    // ListBucket: the first read of a run's state must see 404 (NoSuchKey), not 403; and the run's
    // documents are listed to tag them once it finished (PutObjectTagging; state.json is written with the tag).
    { actions: ['s3:GetObject', 's3:PutObject', 's3:PutObjectTagging', 's3:ListBucket'], scope: 'bucket' },
    publishEvents,
    retryWithBackoff,
  ],
};

/** Every service, in the order of the flow. */
export const SERVICES: readonly ServiceDefinition[] = [
  configIntake,
  runStarter,
  datasetProvisioner,
  statusWatcher,
  solutionTrainer,
  modelEvaluator,
  campaignDeployer,
  batchRunner,
  batchOutputNotifier,
  scheduleManager,
  runTracker,
];

/** The service named `name`; throws for an unknown name. */
export function serviceNamed(name: string): ServiceDefinition {
  const service = SERVICES.find((s) => s.name === name);
  if (!service) throw new Error(`no service named "${name}" in services/manifest.ts`);
  return service;
}
