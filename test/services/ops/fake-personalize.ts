/**
 * An in-memory Personalize control plane on top of aws-sdk-client-mock, for the chain's logic
 * tests: creates store resources (ResourceAlreadyExists on a duplicate name), List/Describe read
 * them back, and tests move statuses with `setStatus`. Enough of the API for provisioning and
 * training; the local cloud's Personalize is the full stand-in.
 */
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateFilterCommand,
  CreateRecommenderCommand,
  CreateSchemaCommand,
  CreateSolutionCommand,
  CreateSolutionVersionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  ListDatasetGroupsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListEventTrackersCommand,
  ListFiltersCommand,
  ListRecommendersCommand,
  ListSchemasCommand,
  ListSolutionVersionsCommand,
  ListSolutionsCommand,
  PersonalizeClient,
  ResourceAlreadyExistsException,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-personalize';
import { mockClient } from 'aws-sdk-client-mock';

const PREFIX = 'arn:aws:personalize:us-east-1:000000000000:';

type Kind =
  | 'datasetGroup'
  | 'schema'
  | 'dataset'
  | 'eventTracker'
  | 'datasetImportJob'
  | 'filter'
  | 'solution'
  | 'solutionVersion'
  | 'recommender';

interface Stored {
  readonly kind: Kind;
  readonly arn: string;
  readonly name: string;
  /** Parent ARN the List call is scoped by. */
  readonly parent?: string;
  status: string;
  failureReason?: string;
  readonly creationDateTime: Date;
  readonly fields: Record<string, unknown>;
}

const ARN_PATH: Record<Kind, string> = {
  datasetGroup: 'dataset-group',
  schema: 'schema',
  dataset: 'dataset',
  eventTracker: 'event-tracker',
  datasetImportJob: 'dataset-import-job',
  filter: 'filter',
  solution: 'solution',
  solutionVersion: 'solution',
  recommender: 'recommender',
};

function exists(name: string): ResourceAlreadyExistsException {
  return new ResourceAlreadyExistsException({ message: `${name} already exists`, $metadata: {} });
}

function notFound(arn: string | undefined): ResourceNotFoundException {
  return new ResourceNotFoundException({ message: `${arn ?? '?'} does not exist`, $metadata: {} });
}

/** Installs the fake on every PersonalizeClient and returns its controls. */
function fakePersonalize() {
  const mock = mockClient(PersonalizeClient);
  const store = new Map<string, Stored>();
  let versionCounter = 0;
  let clock = Date.UTC(2026, 10, 25, 10, 0, 0);
  /** Status a new resource of each kind starts in (default CREATE PENDING). */
  const initialStatus: Partial<Record<Kind, string>> = {};

  const all = (kind: Kind, parent?: string) =>
    [...store.values()].filter((r) => r.kind === kind && (parent === undefined || r.parent === parent));
  const byName = (kind: Kind, name: string, parent?: string) => all(kind, parent).find((r) => r.name === name);
  const get = (kind: Kind, arn: string | undefined) => {
    const found = arn === undefined ? undefined : store.get(arn);
    if (found === undefined || found.kind !== kind) throw notFound(arn);
    return found;
  };
  const add = (kind: Kind, name: string, arn: string, parent: string | undefined, fields: Record<string, unknown>): Stored => {
    clock += 1000;
    const stored: Stored = {
      kind,
      arn,
      name,
      ...(parent !== undefined && { parent }),
      status: kind === 'schema' ? 'ACTIVE' : (initialStatus[kind] ?? 'CREATE PENDING'),
      creationDateTime: new Date(clock),
      fields,
    };
    store.set(arn, stored);
    return stored;
  };
  const summary = (r: Stored, arnKey: string) => ({
    name: r.name,
    [arnKey]: r.arn,
    status: r.status,
    creationDateTime: r.creationDateTime,
    ...(r.failureReason !== undefined && { failureReason: r.failureReason }),
    ...r.fields,
  });
  const requireActive = (arn: string | undefined) => {
    const parent = arn === undefined ? undefined : store.get(arn);
    if (parent === undefined) throw notFound(arn);
    if (parent.status !== 'ACTIVE') {
      throw new ResourceInUseException({ message: `${arn} is ${parent.status}`, $metadata: {} });
    }
  };

  mock.on(CreateDatasetGroupCommand).callsFake((input) => {
    if (byName('datasetGroup', input.name)) throw exists(input.name);
    const arn = `${PREFIX}dataset-group/${input.name}`;
    add('datasetGroup', input.name, arn, undefined, { ...(input.domain && { domain: input.domain }) });
    return { datasetGroupArn: arn };
  });
  mock.on(ListDatasetGroupsCommand).callsFake(() => ({ datasetGroups: all('datasetGroup').map((r) => summary(r, 'datasetGroupArn')) }));
  mock
    .on(DescribeDatasetGroupCommand)
    .callsFake((input) => ({ datasetGroup: summary(get('datasetGroup', input.datasetGroupArn), 'datasetGroupArn') }));

  mock.on(CreateSchemaCommand).callsFake((input) => {
    if (byName('schema', input.name)) throw exists(input.name);
    const arn = `${PREFIX}schema/${input.name}`;
    add('schema', input.name, arn, undefined, { schema: input.schema });
    return { schemaArn: arn };
  });
  mock.on(ListSchemasCommand).callsFake(() => ({
    schemas: all('schema').map((r) => ({ name: r.name, schemaArn: r.arn })),
  }));
  mock.on(DescribeSchemaCommand).callsFake((input) => {
    const r = get('schema', input.schemaArn);
    return { schema: { name: r.name, schemaArn: r.arn, schema: r.fields.schema as string } };
  });

  mock.on(CreateDatasetCommand).callsFake((input) => {
    requireActive(input.datasetGroupArn);
    const type = String(input.datasetType).toUpperCase();
    const group = store.get(input.datasetGroupArn ?? '')?.name ?? '?';
    if (all('dataset', input.datasetGroupArn).some((r) => r.fields.datasetType === type)) throw exists(input.name);
    const arn = `${PREFIX}dataset/${group}/${type}`;
    add('dataset', input.name, arn, input.datasetGroupArn, { datasetType: type, schemaArn: input.schemaArn });
    return { datasetArn: arn };
  });
  mock.on(ListDatasetsCommand).callsFake((input) => ({
    datasets: all('dataset', input.datasetGroupArn).map((r) => ({
      name: r.name,
      datasetArn: r.arn,
      datasetType: r.fields.datasetType,
      status: r.status,
    })),
  }));
  mock.on(DescribeDatasetCommand).callsFake((input) => {
    const r = get('dataset', input.datasetArn);
    return { dataset: { ...summary(r, 'datasetArn'), datasetGroupArn: r.parent } };
  });

  mock.on(CreateEventTrackerCommand).callsFake((input) => {
    requireActive(input.datasetGroupArn);
    if (all('eventTracker', input.datasetGroupArn).length > 0) throw exists(input.name);
    const arn = `${PREFIX}event-tracker/${input.name}`;
    add('eventTracker', input.name, arn, input.datasetGroupArn, { trackingId: `tid-${input.name}` });
    return { eventTrackerArn: arn, trackingId: `tid-${input.name}` };
  });
  mock.on(ListEventTrackersCommand).callsFake((input) => ({
    eventTrackers: all('eventTracker', input.datasetGroupArn).map((r) => ({ name: r.name, eventTrackerArn: r.arn, status: r.status })),
  }));
  mock
    .on(DescribeEventTrackerCommand)
    .callsFake((input) => ({ eventTracker: summary(get('eventTracker', input.eventTrackerArn), 'eventTrackerArn') }));

  mock.on(CreateDatasetImportJobCommand).callsFake((input) => {
    requireActive(input.datasetArn);
    if (byName('datasetImportJob', input.jobName)) throw exists(input.jobName);
    const arn = `${PREFIX}dataset-import-job/${input.jobName}`;
    add('datasetImportJob', input.jobName, arn, input.datasetArn, {
      dataSource: input.dataSource,
      roleArn: input.roleArn,
      importMode: input.importMode,
    });
    return { datasetImportJobArn: arn };
  });
  mock.on(ListDatasetImportJobsCommand).callsFake((input) => ({
    datasetImportJobs: all('datasetImportJob', input.datasetArn).map((r) => ({
      jobName: r.name,
      datasetImportJobArn: r.arn,
      status: r.status,
      ...(r.failureReason !== undefined && { failureReason: r.failureReason }),
    })),
  }));

  mock.on(CreateFilterCommand).callsFake((input) => {
    requireActive(input.datasetGroupArn);
    if (byName('filter', input.name)) throw exists(input.name);
    const arn = `${PREFIX}filter/${input.name}`;
    add('filter', input.name, arn, input.datasetGroupArn, { filterExpression: input.filterExpression });
    return { filterArn: arn };
  });
  mock.on(ListFiltersCommand).callsFake((input) => ({
    Filters: all('filter', input.datasetGroupArn).map((r) => ({ name: r.name, filterArn: r.arn, status: r.status })),
  }));
  mock.on(DescribeFilterCommand).callsFake((input) => ({ filter: summary(get('filter', input.filterArn), 'filterArn') }));

  mock.on(CreateSolutionCommand).callsFake((input) => {
    requireActive(input.datasetGroupArn);
    if (byName('solution', input.name)) throw exists(input.name);
    const arn = `${PREFIX}solution/${input.name}`;
    add('solution', input.name, arn, input.datasetGroupArn, {
      recipeArn: input.recipeArn,
      performAutoTraining: input.performAutoTraining,
      ...(input.eventType !== undefined && { eventType: input.eventType }),
    });
    return { solutionArn: arn };
  });
  mock.on(ListSolutionsCommand).callsFake((input) => ({
    solutions: all('solution', input.datasetGroupArn).map((r) => ({
      name: r.name,
      solutionArn: r.arn,
      status: r.status,
      recipeArn: r.fields.recipeArn,
    })),
  }));
  mock.on(DescribeSolutionCommand).callsFake((input) => ({ solution: summary(get('solution', input.solutionArn), 'solutionArn') }));

  mock.on(CreateSolutionVersionCommand).callsFake((input) => {
    requireActive(input.solutionArn);
    versionCounter += 1;
    const arn = `${input.solutionArn}/${versionCounter.toString(16).padStart(8, '0')}`;
    add('solutionVersion', input.name ?? '', arn, input.solutionArn, { trainingMode: input.trainingMode ?? 'FULL' });
    return { solutionVersionArn: arn };
  });
  mock.on(ListSolutionVersionsCommand).callsFake((input) => ({
    solutionVersions: all('solutionVersion', input.solutionArn).map((r) => ({
      solutionVersionArn: r.arn,
      status: r.status,
      creationDateTime: r.creationDateTime,
    })),
  }));
  mock.on(DescribeSolutionVersionCommand).callsFake((input) => {
    const r = get('solutionVersion', input.solutionVersionArn);
    return { solutionVersion: { ...summary(r, 'solutionVersionArn'), solutionArn: r.parent } };
  });

  mock.on(CreateRecommenderCommand).callsFake((input) => {
    requireActive(input.datasetGroupArn);
    if (byName('recommender', input.name)) throw exists(input.name);
    const arn = `${PREFIX}recommender/${input.name}`;
    add('recommender', input.name, arn, input.datasetGroupArn, { recipeArn: input.recipeArn });
    return { recommenderArn: arn };
  });
  mock.on(ListRecommendersCommand).callsFake((input) => ({
    recommenders: all('recommender', input.datasetGroupArn).map((r) => ({
      name: r.name,
      recommenderArn: r.arn,
      status: r.status,
      recipeArn: r.fields.recipeArn,
    })),
  }));

  return {
    mock,
    initialStatus,
    /** Resources of a kind, in creation order. */
    resources: (kind: Kind) => all(kind),
    setStatus(arn: string, status: string, failureReason?: string) {
      const r = store.get(arn);
      if (r === undefined) throw new Error(`fake Personalize has no ${arn}`);
      r.status = status;
      if (failureReason !== undefined) r.failureReason = failureReason;
    },
    /** Sets every resource of a kind to a status. */
    setAll(kind: Kind, status: string) {
      for (const r of all(kind)) r.status = status;
    },
    /** Adds a resource as if created outside this test (e.g. by an earlier run). */
    seed(kind: Kind, name: string, fields: Record<string, unknown> = {}, parent?: string): string {
      const arn = `${PREFIX}${ARN_PATH[kind]}/${name}`;
      add(kind, name, arn, parent, fields).status = 'ACTIVE';
      return arn;
    },
    reset() {
      store.clear();
      mock.resetHistory();
      versionCounter = 0;
      for (const key of Object.keys(initialStatus)) delete initialStatus[key as Kind];
    },
  };
}

export { PREFIX as FAKE_ARN_PREFIX, fakePersonalize };
