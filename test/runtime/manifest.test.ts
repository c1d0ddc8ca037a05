import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '@recops/events';
import { SERVICES, serviceNamed } from '@recops/services/manifest';

describe('Manifest: services/manifest.ts', () => {
  it('lists every service of the flow once, with handlers in its own folder', () => {
    expect(SERVICES.map((s) => s.name)).toEqual([
      'config-intake',
      'run-starter',
      'dataset-provisioner',
      'status-watcher',
      'solution-trainer',
      'model-evaluator',
      'campaign-deployer',
      'batch-runner',
      'batch-output-notifier',
      'schedule-manager',
      'run-tracker',
    ]);
    for (const service of SERVICES) expect(service.handler).toBe(`services/${service.name}/handler.main`);
  });

  it('gives a queue exactly to subscribers, with visibility ≥ 6 × timeout and a 14-day DLQ', () => {
    for (const service of SERVICES) {
      expect(service.queue !== undefined, service.name).toBe(service.subscriptions.length > 0);
      if (!service.queue) continue;
      expect(service.queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * service.timeoutSeconds);
      expect(service.queue.dlqRetentionSeconds).toBe(14 * 24 * 3600);
      expect(service.queue.batchSize).toBeGreaterThanOrEqual(1);
      expect(service.queue.batchSize).toBeLessThanOrEqual(10);
    }
  });

  it('subscribes only to events of the catalog', () => {
    const known = new Set(EVENT_CATALOG.map((d) => `${d.source}|${d.detailType}`));
    for (const service of SERVICES)
      for (const pattern of service.subscriptions)
        for (const source of pattern.source ?? [])
          for (const detailType of pattern['detail-type'] ?? [])
            expect(known.has(`${source}|${detailType}`), `${service.name}: ${detailType}`).toBe(true);
  });

  it('triggers batch-output-notifier on batch/**.out and keeps Rejected away from the campaign deployer', () => {
    expect(serviceNamed('batch-output-notifier').s3Triggers).toEqual([{ prefix: 'batch/', suffix: '.out' }]);
    // A rejected version never reaches a campaign: the deployer does not hear Rejected.
    const deployerTypes = serviceNamed('campaign-deployer').subscriptions.flatMap((p) => p['detail-type'] ?? []);
    expect(deployerTypes).toContain('Solution Version Promoted');
    expect(deployerTypes).not.toContain('Solution Version Rejected');
  });

  it('starts every run through one door: uploads by config-intake, schedules by run-starter', () => {
    expect(serviceNamed('run-starter').subscriptions).toEqual([{ source: ['recops.schedule'], 'detail-type': ['Schedule Fired'] }]);
    for (const service of SERVICES.filter((s) => s.name !== 'run-starter'))
      for (const pattern of service.subscriptions) expect(pattern['detail-type'], service.name).not.toContain('Schedule Fired');
    // Schedules wait for the run's dataset group: a group that could not be created gets none.
    expect(serviceNamed('schedule-manager').subscriptions).toEqual([
      { source: ['recops.personalize'], 'detail-type': ['Dataset Group Status Changed'], detail: { status: ['ACTIVE'] } },
    ]);
  });

  it('triggers config-intake on train/**.json uploads', () => {
    expect(serviceNamed('config-intake').s3Triggers).toEqual([{ prefix: 'train/', suffix: '.json' }]);
  });

  it("lets every queue consumer that retries with backoff change its own messages' visibility", () => {
    for (const service of SERVICES.filter((s) => s.queue))
      expect(
        service.permissions.some((p) => p.scope === 'ownQueue' && p.actions.includes('sqs:ChangeMessageVisibility')),
        service.name,
      ).toBe(true);
  });
});
