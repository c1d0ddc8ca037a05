/**
 * The records a run leaves in the stage's bucket, with the one schema each is written and read by:
 * - `runs/<dsg>/<runId>/state.json`: the run tracker's state (run-tracker/state.ts, store.ts);
 * - `runs/<dsg>/<runId>/rejected.json`: a run the door refused before any state existed
 *   (run-start.ts): the Pipeline Failed detail plus the run's trigger and start.
 * `recops status` and `recops report` read both through these schemas (`@recops/services/run-records`),
 * so a malformed record is an error naming the field and the rule it breaks, never a guess.
 * The state schema checks what the tracker and the CLI rely on and keeps every other field as stored.
 */
import { PIPELINE_STEP, pipelineFailed, RESOURCE_KIND, RUN_TRIGGER, TERMINAL_STATUS } from '@recops/events';
import { z } from 'zod';
import { RUN_STATE_VERSION, type RunState } from './run-tracker/state';

const optionalText = z.string().optional();

export const runStateSchema: z.ZodType<RunState> = z.looseObject({
  version: z.literal(RUN_STATE_VERSION),
  runId: z.string().min(1),
  datasetGroupName: z.string().min(1),
  stage: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  config: z.looseObject({ bucket: z.string(), key: z.string() }).optional(),
  trigger: z.enum(RUN_TRIGGER).optional(),
  resources: z.record(
    z.string(),
    z.looseObject({
      kind: z.enum(RESOURCE_KIND),
      status: z.union([z.literal('IN_PROGRESS'), z.enum(TERMINAL_STATUS)]),
      failureReason: optionalText,
      requestedAt: optionalText,
      observedAt: optionalText,
    }),
  ),
  retries: z
    .record(
      z.string(),
      z.looseObject({
        step: z.enum(PIPELINE_STEP),
        attempt: z.number().int().min(1),
        maxAttempts: z.number().int().min(1),
        reason: z.string(),
        nextAttemptAt: z.string(),
        eventType: optionalText,
        at: z.string(),
      }),
    )
    .optional(),
  deadLetters: z
    .record(z.string(), z.looseObject({ service: optionalText, reason: optionalText, at: optionalText, recoveredAt: optionalText }))
    .optional(),
  outcome: z
    .looseObject({
      kind: z.enum(['completed', 'failed']),
      decidedAt: z.string(),
      step: z.enum(PIPELINE_STEP).optional(),
      reason: optionalText,
      resourceArn: optionalText,
      errors: z.array(z.looseObject({ path: z.string(), message: z.string() })).optional(),
      afterFailure: z.looseObject({ decidedAt: z.string(), reason: optionalText }).optional(),
    })
    .optional(),
});

export const rejectedRunSchema = pipelineFailed.inputSchema.extend({
  trigger: z.enum(RUN_TRIGGER).optional(),
  startedAt: optionalText,
});

/** A refused run's record as run-start.ts writes it. */
export type RejectedRun = z.infer<typeof rejectedRunSchema>;
