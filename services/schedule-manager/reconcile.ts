/**
 * Keeps the Scheduler group in step with a parameter file: one schedule per plan schedule, created
 * or updated only when it differs, and the dataset group's schedules the file no longer lists deleted.
 * Schedule names are the plan's (deterministic, ≤ 64 characters), so a redelivered Pipeline
 * Requested finds everything in place and changes nothing.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  type GetScheduleCommandOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { Plan } from '@recops/core';
import { MAX_SCHEDULE_NAME_LENGTH } from '@recops/core';
import { scheduleFired } from '@recops/events';
import { desiredSchedule, type DesiredSchedule, type ScheduleSettings } from './target';

/** What one reconciliation did, by schedule name. */
export interface ScheduleReport {
  readonly created: string[];
  readonly updated: string[];
  readonly unchanged: string[];
  readonly deleted: string[];
}

/** Length of the hash suffix (`-` + 8 hex) `boundedName` puts on names too long for Scheduler. */
const HASH_SUFFIX_LENGTH = 9;

/**
 * The name prefix every schedule of the dataset group keeps, even when its name was shortened
 * with a hash: `boundedName` keeps at least the first 64 − 9 characters of `<dsg>-…`.
 */
function namePrefixOf(datasetGroupName: string): string {
  return `${datasetGroupName}-`.slice(0, MAX_SCHEDULE_NAME_LENGTH - HASH_SUFFIX_LENGTH);
}

/** Creates, updates and deletes schedules of `plan`'s dataset group so the group matches the plan. */
export async function reconcileSchedules(
  scheduler: SchedulerClient,
  plan: Plan,
  config: { readonly bucket: string; readonly key: string },
  settings: ScheduleSettings,
): Promise<ScheduleReport> {
  const report: ScheduleReport = { created: [], updated: [], unchanged: [], deleted: [] };
  // Build every schedule first: one invalid schedule leaves the group untouched.
  const desired = plan.schedules.map((schedule) => desiredSchedule(schedule, config, settings));
  for (const schedule of desired) {
    const outcome = await putSchedule(scheduler, schedule);
    report[outcome].push(schedule.Name);
  }
  const wanted = new Set(desired.map((schedule) => schedule.Name));
  for (const name of await schedulesOf(scheduler, plan.datasetGroup.name, settings.groupName)) {
    if (wanted.has(name)) continue;
    try {
      await scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: settings.groupName }));
    } catch (error) {
      // Gone already (a concurrent delivery deleted it): the outcome is the same.
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    report.deleted.push(name);
  }
  return report;
}

async function putSchedule(scheduler: SchedulerClient, desired: DesiredSchedule): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await getSchedule(scheduler, desired.Name, desired.GroupName);
  if (existing === undefined) {
    try {
      await scheduler.send(new CreateScheduleCommand(desired));
      return 'created';
    } catch (error) {
      // Created meanwhile by a concurrent delivery: compare with what is there now.
      if (!(error instanceof ConflictException)) throw error;
      const raced = await getSchedule(scheduler, desired.Name, desired.GroupName);
      if (raced !== undefined && matches(raced, desired)) return 'unchanged';
    }
  } else if (matches(existing, desired)) {
    return 'unchanged';
  }
  // UpdateSchedule replaces the whole definition, so settings changed by hand are reset too.
  await scheduler.send(new UpdateScheduleCommand(desired));
  return 'updated';
}

async function getSchedule(scheduler: SchedulerClient, name: string, groupName: string): Promise<GetScheduleCommandOutput | undefined> {
  try {
    return await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: groupName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

function matches(existing: GetScheduleCommandOutput, desired: DesiredSchedule): boolean {
  const target = existing.Target;
  return (
    existing.ScheduleExpression === desired.ScheduleExpression &&
    existing.Description === desired.Description &&
    existing.State === desired.State &&
    existing.FlexibleTimeWindow?.Mode === desired.FlexibleTimeWindow.Mode &&
    existing.FlexibleTimeWindow?.MaximumWindowInMinutes === undefined &&
    // Settings the manager never sets: present means someone edited the schedule by hand.
    existing.ScheduleExpressionTimezone === undefined &&
    existing.StartDate === undefined &&
    existing.EndDate === undefined &&
    target?.Arn === desired.Target.Arn &&
    target.RoleArn === desired.Target.RoleArn &&
    target.EventBridgeParameters?.Source === desired.Target.EventBridgeParameters.Source &&
    target.EventBridgeParameters.DetailType === desired.Target.EventBridgeParameters.DetailType &&
    isDeepStrictEqual(parseInput(target.Input), parseInput(desired.Target.Input))
  );
}

function parseInput(input: string | undefined): unknown {
  if (input === undefined) return undefined;
  try {
    return JSON.parse(input);
  } catch {
    return input;
  }
}

/**
 * Names of the schedules in the group that put Schedule Fired events for `datasetGroupName`. The
 * name prefix narrows the listing; the target's Input decides, since another group's name may
 * start with this one's (`shop` and `shop-eu`).
 */
async function schedulesOf(scheduler: SchedulerClient, datasetGroupName: string, groupName: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await scheduler.send(
      new ListSchedulesCommand({ GroupName: groupName, NamePrefix: namePrefixOf(datasetGroupName), NextToken: token }),
    );
    for (const summary of page.Schedules ?? []) if (summary.Name !== undefined) names.push(summary.Name);
    token = page.NextToken;
  } while (token !== undefined);
  const owned: string[] = [];
  for (const name of names) {
    const schedule = await getSchedule(scheduler, name, groupName);
    const parameters = schedule?.Target?.EventBridgeParameters;
    if (parameters?.Source !== scheduleFired.source || parameters.DetailType !== scheduleFired.detailType) continue;
    const detail = parseInput(schedule?.Target?.Input) as { datasetGroupName?: unknown } | undefined;
    if (typeof detail === 'object' && detail !== null && detail.datasetGroupName === datasetGroupName) owned.push(name);
  }
  return owned;
}
