/**
 * Runs `sst.config.ts` the way `sst deploy --stage NAME` would, against the recording stand-in:
 * `app({ stage })` first, then `$app` from its answer, then `run()`.
 */
import { installConfigGlobal, installStandIn, recordConfigUses, uninstallStandIn, type Recording, type StandInOptions } from './stand-in';
import { unwrap } from './outputs';

export interface StageRun {
  readonly app: SstApp;
  readonly outputs: Record<string, unknown>;
  readonly recording: Recording;
}

export interface RunStageOptions extends StandInOptions {
  readonly stage: string;
  /** Environment variables visible to `run()` while it runs (restored afterwards). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function runStage(options: RunStageOptions): Promise<StageRun> {
  installConfigGlobal();
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(options.env ?? {})) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const config = ((await import('../../../sst.config')) as { default: SstConfig }).default;
    const app = await config.app({ stage: options.stage });
    const recording = installStandIn(
      {
        name: app.name,
        stage: options.stage,
        removal: app.removal ?? 'retain',
        protect: app.protect ?? false,
        ...(app.providers === undefined ? {} : { providers: app.providers }),
      },
      options,
    );
    recordConfigUses(recording, app);
    const outputs = (unwrap(await config.run()) ?? {}) as Record<string, unknown>;
    return { app, outputs, recording };
  } finally {
    uninstallStandIn();
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
