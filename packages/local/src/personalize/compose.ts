/**
 * Wires the local Personalize into the local cloud: the engine (the one given, or the real engine
 * over the cloud's S3 with its state in `<dataDir>/engine/`) and the service in `<dataDir>/personalize/`.
 */
import { join } from 'node:path';
import { createEngine } from '@recops/engine';
import type { LocalCloudContext } from '../cloud';
import { createLocalPersonalize, type LocalPersonalize } from './service';

/** Event-log kind of a successful Create*, Update*, Start*, Stop* or Delete* Personalize call. */
export const PERSONALIZE_MUTATION_LOG_KIND = 'personalize.mutation';

export async function attachPersonalize(context: LocalCloudContext): Promise<LocalPersonalize> {
  const given = context.options.engine;
  const base = given ?? createEngine({ dataDir: join(context.dataDir, 'engine'), blobs: context.s3.blobs });
  const engine = context.faults ? context.faults.wrapEngine(base) : base;
  const stepDelayMs = context.options.personalizeStepDelayMs;
  const personalize = await createLocalPersonalize({
    engine,
    dataDir: context.dataDir,
    ...(stepDelayMs === undefined ? {} : { stepDelayMs }),
    // The cloud's record of what was created or changed (the chaos suite counts duplicates from it).
    onMutation: (mutation) => void context.eventLog.append(PERSONALIZE_MUTATION_LOG_KIND, { ...mutation }).catch(() => undefined),
  });
  context.register(personalize.wire);
  context.onClose(async () => {
    await personalize.close();
    // An engine passed in belongs to the caller.
    if (given === undefined) await base.close();
  });
  return personalize;
}
