/**
 * How long recops keeps what it writes about runs. Every document under `runs/<dsg>/<runId>/` is
 * written with the open-run tag; the run tracker retags a run's documents finished once the run's
 * outcome is published. The data bucket's lifecycle rules (stacks/bucket.ts) expire finished-run
 * documents after the retention, and open-run ones after `UNFINISHED_RUN_RETENTION_FACTOR` times
 * it: a run that never ends, and a document written into a run after it was retagged (a late
 * duplicate delivery's claim or watch), expire too, later. Documents that outlive runs (each
 * dataset group's `runs/<dsg>/schedules.json`) carry no tag, so they never expire.
 */

/** Prefix of everything recops writes about runs in the data bucket (outside `train/`, so it never triggers intake). */
export const RUNS_PREFIX = 'runs/';

/** The object tag of a finished run's documents. */
export const FINISHED_RUN_TAG = { key: 'recops-run', value: 'finished' } as const;

/** The object tag every run document is written with (the run is not known to be finished). */
export const OPEN_RUN_TAG = { key: 'recops-run', value: 'open' } as const;

/** Open-run documents are kept this many times a finished run's retention. */
export const UNFINISHED_RUN_RETENTION_FACTOR = 3;

/** Days a finished run's documents are kept when the deploy does not say otherwise. */
export const DEFAULT_FINISHED_RUN_RETENTION_DAYS = 30;
