/** The CLI's copies of deploy-time rules stay equal to their sources (the CLI loads neither at start). */
import { runner } from '@recops/local';
import { describe, expect, it } from 'vitest';
import { isProductionStage, localStageNames, PRODUCTION_STAGES } from '../../packages/cli/src/target';
import { PRODUCTION_STAGES as STACK_PRODUCTION_STAGES } from '../../stacks/config';

describe('CLI: target rules', () => {
  it('treats the stages the stacks deploy as production as production', () => {
    expect(PRODUCTION_STAGES).toEqual(STACK_PRODUCTION_STAGES);
    expect(isProductionStage('prod')).toBe(true);
    expect(isProductionStage('dev')).toBe(false);
  });

  it("names a local stage's bus, bucket and scheduler group as the local cloud creates them", () => {
    const names = runner.localNames('team-a');
    expect(localStageNames('team-a')).toEqual({
      busName: names.busName,
      bucketName: names.bucketName,
      schedulerGroupName: names.schedulerGroupName,
    });
  });
});
