/**
 * config-intake's logic: a parameter file landed under `train/`. It starts a run of everything the
 * file asks for, through the one door every run takes (`services/run-start.ts`): an invalid file
 * ends in one Pipeline Failed listing every error, a valid one in a stored run document and
 * Pipeline Requested.
 */
import { EVERYTHING, uploadRunIdentity } from '@recops/core';
import { startRun, type RunStartClients, type RunStartOutcome, type RunStartSettings } from '../run-start';
import type { UploadedObject } from './notification';

export type IntakeClients = RunStartClients;
export type IntakeSettings = RunStartSettings;
export type IntakeOutcome = RunStartOutcome;

export function takeInConfig(object: UploadedObject, clients: IntakeClients, settings: IntakeSettings): Promise<IntakeOutcome> {
  return startRun(
    {
      trigger: 'upload',
      identity: uploadRunIdentity(object),
      config: { bucket: object.bucket, key: object.key },
      scopeOf: () => EVERYTHING,
    },
    clients,
    settings,
  );
}
