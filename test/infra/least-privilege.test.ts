/**
 * Issue 7: each function may call the bus, the bucket, its own queues and recops' Scheduler group only. The `*`, PassRole and
 * wildcard checks live in stages.test.ts; this checks the resource of every remaining grant of the
 * deployed manifest, so a permission scoped to another bus, bucket or queue fails here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SERVICES } from '@recops/services/manifest';
import { pascalCase } from '../../stacks/naming';
import { runStage, type StageRun } from './stand-in/run-stage';
import { actionsOf, NAMED_PERSONALIZE_TYPES, only, resourcesOf, roleStatements } from './helpers';

const ACCOUNT = 'arn:aws:personalize:us-east-1:123456789012:';
const RECIPES = 'arn:aws:personalize:::recipe/*';

/**
 * What a Personalize grant (other than List calls, which take "*") may act on: a non-production
 * stage only on names with its prefix (event trackers' ARNs carry an id, so all of them), a
 * production stage, which keeps the file's names, on every resource of the account and region.
 */
function personalizeResources(stage: string): string[] {
  return stage === 'prod'
    ? [`${ACCOUNT}*`, RECIPES]
    : [...NAMED_PERSONALIZE_TYPES.map((type) => `${ACCOUNT}${type}/${stage}-*`), `${ACCOUNT}event-tracker/*`, RECIPES];
}

describe.each(['dev', 'prod'])('Infra: least privilege of each function for the %s stage', (stage) => {
  let run: StageRun;

  beforeAll(async () => {
    run = await runStage({ stage, env: { RECOPS_ALARM_EMAIL: undefined, RECOPS_PERSONALIZE_KMS_KEY_ARNS: undefined } });
  });

  /** ARNs of the queues SST builds for a service: its queue, its DLQ, or the S3-trigger failure queue. */
  function ownQueueArns(service: string): string[] {
    const prefix = `recops-${stage}-${pascalCase(service)}`;
    return run.recording
      .ofType('aws:sqs/queue:Queue')
      .filter((q) => typeof q.inputs.name === 'string' && (q.inputs.name as string).startsWith(prefix))
      .map((q) => q.outputs.arn as string);
  }

  it.each(SERVICES.map((s) => s.name))(
    'grants %s events:PutEvents on the bus, S3 on the bucket, SQS on its own queues and Scheduler on its group only',
    (service) => {
      // Prepare
      const bucketArn = only(run.recording, 'aws:s3/bucket:Bucket').outputs.arn as string;
      const ownQueues = ownQueueArns(service);
      const group = run.outputs.schedulerGroupName as string;
      const schedulerGroupArns = [
        `arn:aws:scheduler:us-east-1:123456789012:schedule-group/${group}`,
        `arn:aws:scheduler:us-east-1:123456789012:schedule/${group}/*`,
      ];
      const role = `${pascalCase(service)}FunctionRole`;
      const statements = roleStatements(run.recording).filter((s) => s.owner === role);
      expect(statements.length, role).toBeGreaterThan(0);

      // Assess: every action of every statement, by service prefix.
      for (const { statement } of statements) {
        const resources = resourcesOf(statement);
        for (const action of actionsOf(statement)) {
          const [prefix] = action.split(':');
          const where = `${role} ${action} on ${resources.join(', ')}`;
          switch (prefix) {
            case 'events':
              expect(action, where).toBe('events:PutEvents');
              expect(resources, where).toEqual([run.outputs.busArn]);
              break;
            case 's3':
              expect(resources.length, where).toBeGreaterThan(0);
              for (const resource of resources) expect([bucketArn, `${bucketArn}/*`], where).toContain(resource);
              break;
            case 'sqs':
              expect(resources.length, where).toBeGreaterThan(0);
              for (const resource of resources) expect(ownQueues, where).toContain(resource);
              break;
            case 'iam':
              expect([[run.outputs.personalizeRoleArn], [run.outputs.schedulerRoleArn]], where).toContainEqual(resources);
              break;
            case 'scheduler':
              // Schedules of recops' own group; List calls take "*" (stages.test.ts).
              if (action.startsWith('scheduler:List')) expect(resources, where).toEqual(['*']);
              else expect(resources, where).toEqual(schedulerGroupArns);
              break;
            case 'personalize':
              if (action.startsWith('personalize:List')) expect(resources, where).toEqual(['*']);
              else expect(resources, where).toEqual(personalizeResources(stage));
              break;
            default:
              expect.unreachable(`unexpected grant: ${where}`);
          }
        }
      }
    },
  );
});
