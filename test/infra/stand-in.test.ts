import { afterEach, describe, expect, it } from 'vitest';
import { physicalName, prefixName, toSeconds } from './stand-in/naming';
import { installStandIn, uninstallStandIn } from './stand-in/stand-in';

describe('Class: SST stand-in', () => {
  afterEach(() => uninstallStandIn());

  it('names resources the way SST prefixes them, shortening app then stage when too long', () => {
    expect(prefixName('recops', 'dev', 80, 'Work-Queue')).toBe('recops-dev-WorkQueue');
    expect(prefixName('recops', 'a-very-long-stage-name', 30, 'WorkQueue')).toBe('a-very-long-stage-na-WorkQueue');
    expect(prefixName('recops', 'stage', 8, 'WorkQueue')).toBe('WorkQueu');
    expect(physicalName('recops', 'dev', 80, 'WorkQueue')).toMatch(/^recops-dev-WorkQueue-[abcdefhkmnorstuvwxz]{8}$/);
    expect(toSeconds('2 minutes')).toBe(120);
  });

  it('throws as SST does for a second queue subscriber and a second bucket notify', () => {
    installStandIn({ name: 'recops', stage: 't', removal: 'remove', protect: false });
    const queue = new sst.aws.Queue('Work');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    queue.subscribe(arn);
    expect(() => queue.subscribe(arn)).toThrow('Cannot subscribe to the "Work" queue multiple times');
    const bucket = new sst.aws.Bucket('Data');
    bucket.notify({ notifications: [{ name: 'A', function: arn }] });
    expect(() => bucket.notify({ notifications: [] })).toThrow('Cannot call "notify" on the "Data" bucket multiple times');
  });

  it('records SST defaults: 30 s visibility, batch of 10, no partial responses, nodejs24.x on x86_64', () => {
    const recording = installStandIn({ name: 'recops', stage: 't', removal: 'remove', protect: false });
    const queue = new sst.aws.Queue('Work');
    const fn = new sst.aws.Function('Fn', { handler: 'src/x.main' });
    queue.subscribe(fn.arn);
    expect(recording.named('WorkQueue').inputs).toMatchObject({ visibilityTimeoutSeconds: 30, redrivePolicy: undefined });
    expect(recording.named('WorkSubscriberEventSourceMapping').inputs).toMatchObject({ batchSize: 10, functionResponseTypes: [] });
    expect(recording.named('FnFunction').inputs).toMatchObject({
      runtime: 'nodejs24.x',
      architectures: ['x86_64'],
      timeout: 20,
      memorySize: 1024,
    });
  });
});
