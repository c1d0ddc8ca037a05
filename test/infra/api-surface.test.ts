import { describe, expect, it } from 'vitest';
import { API_SURFACE, normalizeUse } from '../../stacks/api-surface';
import { runStage } from './stand-in/run-stage';

const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('Infra: SST and Pulumi properties used', () => {
  it('returns only properties listed, with their source, in stacks/api-surface.ts, and lists none unused', async () => {
    // Prepare: every code path (dev, prod, with and without the optional settings).
    // Runs go one after the other: the stand-in installs process-wide globals.
    const runs = [
      await runStage({ stage: 'dev', env: { RECOPS_ALARM_EMAIL: undefined, RECOPS_PERSONALIZE_KMS_KEY_ARNS: undefined } }),
      await runStage({ stage: 'prod', env: { RECOPS_ALARM_EMAIL: 'ops@example.com', RECOPS_PERSONALIZE_KMS_KEY_ARNS: KEY } }),
    ];

    // Act
    const used = new Set(runs.flatMap((run) => [...run.recording.uses].map(normalizeUse)));

    // Assess
    const listed = new Set(API_SURFACE.map((entry) => entry.use));
    expect([...used].filter((use) => !listed.has(use)).sort()).toEqual([]);
    expect([...listed].filter((use) => !used.has(use)).sort()).toEqual([]);
  });

  it('names a source file and evidence for every entry, and a commit for every Pulumi entry', () => {
    for (const entry of API_SURFACE) {
      expect(entry.file, entry.use).toMatch(/\.ts$/);
      expect(entry.evidence.length, entry.use).toBeGreaterThan(5);
      if (entry.repo === 'pulumi-aws') expect(entry.commit, entry.use).toBeDefined();
    }
  });
});
