/** The CLI's copies of deploy-time rules stay equal to their sources (the CLI loads neither at start). */
import { runner } from '@recops/local';
import { describe, expect, it } from 'vitest';
import { localStageNames } from '../../packages/cli/src/target';

describe('CLI: target rules', () => {
  it("names a local stage's bus, bucket and scheduler group as the local cloud creates them", () => {
    const names = runner.localNames('team-a');
    expect(localStageNames('team-a')).toEqual({
      busName: names.busName,
      bucketName: names.bucketName,
      schedulerGroupName: names.schedulerGroupName,
    });
  });
});
