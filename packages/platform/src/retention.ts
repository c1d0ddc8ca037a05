/**
 * How long recops keeps what it writes about runs. The run tracker tags every document of a run
 * once the run's outcome is published; the data bucket's lifecycle rule (stacks/bucket.ts) expires
 * objects under `runs/` that carry the tag. Documents that outlive runs (each dataset group's
 * `runs/<dsg>/schedules.json`) are never tagged, so they never expire.
 */

/** Prefix of everything recops writes about runs in the data bucket (outside `train/`, so it never triggers intake). */
export const RUNS_PREFIX = 'runs/';

/** The object tag of a finished run's documents. */
export const FINISHED_RUN_TAG = { key: 'recops-run', value: 'finished' } as const;

/** Days a finished run's documents are kept when the deploy does not say otherwise. */
export const DEFAULT_FINISHED_RUN_RETENTION_DAYS = 30;
