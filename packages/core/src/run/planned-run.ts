/**
 * The run document: one per run, written once by the run's start (`runs/<dsg>/<runId>/plan.json`)
 * before Pipeline Requested is published with its location. Every service that acts on the run
 * reads it from there, whichever event woke it: the run's identity, trigger, scope and plan.
 */
import { z } from 'zod';
import { RUN_TRIGGER, type RunTrigger } from '@recops/events';
import { runScope, type RunScope } from '@recops/events';
import { planSchema } from '../plan/schema';
import type { Plan } from '../plan/types';
import type { RunIdentity } from './identity';

export const PLANNED_RUN_VERSION = 1;

export interface PlannedRun {
  readonly version: typeof PLANNED_RUN_VERSION;
  readonly run: RunIdentity;
  readonly trigger: RunTrigger;
  readonly scope: RunScope;
  /** The Scheduler schedule that fired, for scheduled runs. */
  readonly scheduleName?: string;
  /** The parameter file the plan was resolved from. */
  readonly config: { readonly bucket: string; readonly key: string };
  readonly plan: Plan;
}

/** The run document as stored; read through core's conditional documents (runtime/conditional-object.ts). */
export const plannedRunSchema: z.ZodType<PlannedRun> = z.strictObject({
  version: z.literal(PLANNED_RUN_VERSION),
  run: z.strictObject({ id: z.string().min(1), stamp: z.string().min(1), startedAt: z.iso.datetime({ offset: true }) }),
  trigger: z.enum([RUN_TRIGGER.upload, RUN_TRIGGER.schedule]),
  scope: runScope,
  scheduleName: z.string().min(1).optional(),
  config: z.strictObject({ bucket: z.string().min(1), key: z.string().min(1) }),
  plan: planSchema,
});
