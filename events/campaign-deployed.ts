import { z } from 'zod';
import { defineEvent } from './define';
import { baseDetail, personalizeArn, personalizeName, timestamp } from './fields';
import { EVENT_SOURCE } from './sources';

/**
 * The campaign deployer saw the campaign ACTIVE serving the version it deployed (after a create, or
 * after an UpdateCampaign once `latestCampaignUpdate` is ACTIVE). A failed create/update is the
 * watcher's `Campaign Status Changed` with a failed status, not this event.
 */
export const campaignDeployed = defineEvent({
  name: 'campaign-deployed',
  source: EVENT_SOURCE.deploy,
  detailType: 'Campaign Deployed',
  version: 1,
  description: 'A campaign is ACTIVE and serves the solution version recops deployed to it.',
  detail: z.object({
    ...baseDetail,
    /** The campaign. */
    resourceArn: personalizeArn,
    campaignName: personalizeName,
    solutionName: personalizeName,
    /** The version the campaign now serves. */
    solutionVersionArn: personalizeArn,
    /**
     * `create` for a new campaign, `update` for an UpdateCampaign to another version or TPS,
     * `unchanged` when the campaign already served that version (nothing was called).
     */
    operation: z.enum(['create', 'update', 'unchanged']),
    /** True when the file pins the version (CDK `campaigns[].solutionversion`) rather than following promotions. */
    pinned: z.boolean(),
    deployedAt: timestamp,
  }),
});
