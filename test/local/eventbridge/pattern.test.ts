/**
 * The pattern language against the examples of the EventBridge user guide. Each `describe` names
 * the page ("EventBridge docs: <page>") and each test the example it takes from it:
 * - eb-event-patterns.html (Creating event patterns)
 * - eb-event-patterns-content-based-filtering.html (Content filtering)
 * - eb-create-pattern-operators.html (Comparison operators)
 * - eb-event-patterns-arrays.html (Arrays in event patterns)
 * - eb-event-patterns-null-values.html (Null values and empty strings)
 */
import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError } from '../../../packages/local/src/eventbridge/errors';
import { EventPattern } from '../../../packages/local/src/eventbridge/pattern';

const matches = (pattern: unknown, event: unknown): boolean => EventPattern.parse(pattern).matches(event);

/** The EC2 state-change event the guide uses throughout. */
const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

/** The event of the content-filtering page's numeric and "complex" examples. */
const countsEvent = (detail: Record<string, unknown>) => ({
  source: 'com.mycompany.myapp',
  time: '2017-10-02T18:43:48Z',
  'detail-type': 'Counts',
  detail,
});

describe('Pattern: EventBridge docs: eb-event-patterns.html (Creating event patterns)', () => {
  it('matches the EC2 instance-termination example and ignores fields not in the pattern', () => {
    const pattern = { source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } };
    expect(matches(pattern, ec2Event)).toBe(true);
    expect(matches(pattern, { ...ec2Event, detail: { ...ec2Event.detail, state: 'running' } })).toBe(false);
  });

  it('ORs the values of a field ({"source": ["aws.ec2", "aws.fargate"]})', () => {
    expect(matches({ source: ['aws.ec2', 'aws.fargate'] }, ec2Event)).toBe(true);
    expect(matches({ source: ['aws.ec2', 'aws.fargate'] }, { ...ec2Event, source: 'aws.fargate' })).toBe(true);
    expect(matches({ source: ['aws.ec2', 'aws.fargate'] }, { ...ec2Event, source: 'aws.s3' })).toBe(false);
  });

  it('requires every pattern field to be present with the same nesting', () => {
    expect(matches({ detail: { 'instance-id': ['i-1234567890abcdef0'] } }, ec2Event)).toBe(true);
    expect(matches({ 'instance-id': ['i-1234567890abcdef0'] }, ec2Event)).toBe(false);
  });

  it('matches case-sensitively and does not coerce numbers and strings', () => {
    expect(matches({ source: ['AWS.EC2'] }, ec2Event)).toBe(false);
    expect(matches({ detail: { count: ['5'] } }, countsEvent({ count: 5 }))).toBe(false);
    expect(matches({ detail: { count: [5] } }, countsEvent({ count: 5 }))).toBe(true);
  });
});

describe('Pattern: EventBridge docs: eb-event-patterns-content-based-filtering.html (Content filtering)', () => {
  it('prefix matching: {"time": [{"prefix": "2017-10-02"}]}', () => {
    expect(matches({ time: [{ prefix: '2017-10-02' }] }, countsEvent({}))).toBe(true);
    expect(matches({ time: [{ prefix: '2017-10-03' }] }, countsEvent({}))).toBe(false);
  });

  it('prefix matching while ignoring case: {"service": [{"prefix": {"equals-ignore-case": "EventB"}}]}', () => {
    const pattern = { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } };
    for (const service of ['EventBridge', 'EVENTBRIDGE', 'eventbridge']) expect(matches(pattern, countsEvent({ service }))).toBe(true);
    expect(matches(pattern, countsEvent({ service: 'Lambda' }))).toBe(false);
  });

  it('suffix matching: {"FileName": [{"suffix": ".png"}]}, and with equals-ignore-case', () => {
    expect(matches({ detail: { FileName: [{ suffix: '.png' }] } }, countsEvent({ FileName: 'cat.png' }))).toBe(true);
    expect(matches({ detail: { FileName: [{ suffix: '.png' }] } }, countsEvent({ FileName: 'cat.PNG' }))).toBe(false);
    expect(matches({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, countsEvent({ FileName: 'cat.PNG' }))).toBe(
      true,
    );
  });

  it('anything-but with a string and a number: "initializing" and 123', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, countsEvent({ state: 'running' }))).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, countsEvent({ state: 'initializing' }))).toBe(false);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, countsEvent({ 'x-limit': 124 }))).toBe(true);
    expect(matches({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, countsEvent({ 'x-limit': 123 }))).toBe(false);
  });

  it('anything-but with lists: ["stopped", "overloaded"] and [100, 200, 300]', () => {
    const strings = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matches(strings, countsEvent({ state: 'running' }))).toBe(true);
    expect(matches(strings, countsEvent({ state: 'overloaded' }))).toBe(false);
    const numbers = { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } };
    expect(matches(numbers, countsEvent({ 'x-limit': 301.8 }))).toBe(true);
    expect(matches(numbers, countsEvent({ 'x-limit': 200 }))).toBe(false);
  });

  it('anything-but with a prefix: {"anything-but": {"prefix": "init"}}', () => {
    const pattern = { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } };
    expect(matches(pattern, countsEvent({ state: 'running' }))).toBe(true);
    expect(matches(pattern, countsEvent({ state: 'initializing' }))).toBe(false);
  });

  it('anything-but with a suffix: {"anything-but": {"suffix": ".txt"}}', () => {
    const pattern = { detail: { FileName: [{ 'anything-but': { suffix: '.txt' } }] } };
    expect(matches(pattern, countsEvent({ FileName: 'notes.md' }))).toBe(true);
    expect(matches(pattern, countsEvent({ FileName: 'notes.txt' }))).toBe(false);
  });

  it('anything-but ignoring case: {"anything-but": {"equals-ignore-case": ["initializing", "stopped"]}}', () => {
    const pattern = { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] } };
    expect(matches(pattern, countsEvent({ state: 'STOPPED' }))).toBe(false);
    expect(matches(pattern, countsEvent({ state: 'Running' }))).toBe(true);
  });

  it('anything-but with wildcards: {"anything-but": {"wildcard": "*/lib/*"}} and a list of them', () => {
    const one = { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } };
    expect(matches(one, countsEvent({ FilePath: '/usr/lib/libc.so' }))).toBe(false);
    expect(matches(one, countsEvent({ FilePath: '/usr/share/doc' }))).toBe(true);
    const list = { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } };
    expect(matches(list, countsEvent({ FilePath: '/usr/bin/env' }))).toBe(false);
    expect(matches(list, countsEvent({ FilePath: '/etc/hosts' }))).toBe(true);
  });

  it('numeric matching: c-count (0, 5], d-count < 10, x-limit = 3.018e2 against c-count 5, d-count 3, x-limit 301.8', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matches(pattern, countsEvent({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }))).toBe(true);
    expect(matches(pattern, countsEvent({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }))).toBe(false);
    expect(matches(pattern, countsEvent({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }))).toBe(false);
    // Numeric matching works on JSON numbers only.
    expect(matches(pattern, countsEvent({ 'c-count': '5', 'd-count': 3, 'x-limit': 301.8 }))).toBe(false);
  });

  it('IP address matching: {"sourceIPAddress": [{"cidr": "10.0.0.0/24"}]}', () => {
    const pattern = { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } };
    expect(matches(pattern, countsEvent({ sourceIPAddress: '10.0.0.255' }))).toBe(true);
    expect(matches(pattern, countsEvent({ sourceIPAddress: '10.0.1.1' }))).toBe(false);
    expect(
      matches(
        { detail: { sourceIPAddress: [{ cidr: 'bcde:6d6b:28de:9f3c::/64' }] } },
        countsEvent({ sourceIPAddress: 'bcde:6d6b:28de:9f3c:1:2:3:4' }),
      ),
    ).toBe(true);
  });

  it('exists matching: {"detail": {"state": [{"exists": true}]}} and exists false', () => {
    expect(matches({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matches({ detail: { state: [{ exists: false }] } }, ec2Event)).toBe(false);
    expect(matches({ detail: { 'c-count': [{ exists: false }] } }, ec2Event)).toBe(true);
    // Exists matching only works on leaf nodes.
    expect(matches({ detail: [{ exists: true }] }, ec2Event)).toBe(false);
  });

  it('equals-ignore-case: {"detail-type": [{"equals-ignore-case": "ec2 instance state-change notification"}]}', () => {
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] }, ec2Event)).toBe(true);
    expect(matches({ 'detail-type': [{ 'equals-ignore-case': 'ec2 instance launch' }] }, ec2Event)).toBe(false);
  });

  it('wildcard matching: "arn:aws:events:us-east-1:*:event-bus/*" and an escaped star', () => {
    const pattern = { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } };
    expect(matches(pattern, countsEvent({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/recops' }))).toBe(true);
    expect(matches(pattern, countsEvent({ EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/recops' }))).toBe(false);
    expect(matches({ detail: { name: [{ wildcard: 'a\\*b' }] } }, countsEvent({ name: 'a*b' }))).toBe(true);
    expect(matches({ detail: { name: [{ wildcard: 'a\\*b' }] } }, countsEvent({ name: 'axb' }))).toBe(false);
  });

  it('the complex example: prefix time, anything-but state, numeric counts, anything-but x-limit list', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    expect(matches(pattern, countsEvent({ state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 }))).toBe(true);
    expect(matches(pattern, countsEvent({ state: 'running', 'c-count': 5, 'd-count': 3, 'x-limit': 300 }))).toBe(false);
  });

  it('$or matching: c-count or d-count or x-limit, and $or beside other fields', () => {
    const pattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { 'd-count': [{ numeric: ['<', 10] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    expect(matches(pattern, countsEvent({ 'c-count': 50, 'd-count': 3 }))).toBe(true);
    expect(matches(pattern, countsEvent({ 'c-count': 50, 'd-count': 30, 'x-limit': 301.8 }))).toBe(true);
    expect(matches(pattern, countsEvent({ 'c-count': 50, 'd-count': 30, 'x-limit': 1 }))).toBe(false);
    const mixed = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matches(mixed, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matches(mixed, { source: 'aws.cloudwatch', metricName: 'NetworkIn', namespace: 'AWS/RDS' })).toBe(false);
    expect(matches(mixed, { source: 'aws.ec2', metricName: 'CPUUtilization' })).toBe(false);
  });
});

describe('Pattern: EventBridge docs: eb-event-patterns-arrays.html (Arrays in event patterns)', () => {
  it('matches when the pattern array and the event array intersect', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-0'] })).toBe(false);
  });

  it('matches a nested pattern against one element of an array of objects', () => {
    const pattern = { detail: { jobs: { name: ['train'], status: ['ACTIVE'] } } };
    expect(
      matches(
        pattern,
        countsEvent({
          jobs: [
            { name: 'import', status: 'ACTIVE' },
            { name: 'train', status: 'ACTIVE' },
          ],
        }),
      ),
    ).toBe(true);
    // Fields satisfied by different elements do not make a match.
    expect(
      matches(
        pattern,
        countsEvent({
          jobs: [
            { name: 'train', status: 'FAILED' },
            { name: 'import', status: 'ACTIVE' },
          ],
        }),
      ),
    ).toBe(false);
  });
});

describe('Pattern: EventBridge docs: eb-event-patterns-null-values.html (Null values and empty strings)', () => {
  const event = {
    version: '0',
    id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2015-11-11T21:31:47Z',
    region: 'us-east-1',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string with [""] and null with [null], not interchangeably', () => {
    expect(matches({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matches({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matches({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matches({ detail: { responseElements: [''] } }, event)).toBe(false);
  });

  it('treats an empty array as no value', () => {
    expect(matches({ resources: [{ exists: false }] }, event)).toBe(true);
    expect(matches({ resources: [{ exists: true }] }, event)).toBe(false);
  });
});

describe('Pattern: EventBridge docs: eb-create-pattern-operators.html (validation)', () => {
  const invalid = (pattern: unknown): unknown => {
    try {
      EventPattern.parse(pattern);
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it.each([
    ['a non-object pattern', '["source"]', /not an object/],
    ['a scalar field value', { source: 'aws.ec2' }, /"source" must be an object or an array/],
    ['an empty value array', { source: [] }, /Empty arrays/],
    ['an unknown operator', { source: [{ contains: 'x' }] }, /Unrecognized match type contains/],
    ['a numeric range upside down', { detail: { n: [{ numeric: ['>', 10, '<', 5] }] } }, /lower bound below the upper bound/],
    ['a numeric value out of range', { detail: { n: [{ numeric: ['>', 6e9] }] } }, /between -5.0E9 and 5.0E9/],
    ['a mixed anything-but list', { detail: { n: [{ 'anything-but': ['a', 1] }] } }, /only strings or only numbers/],
    ['consecutive wildcards', { detail: { n: [{ wildcard: 'a**b' }] } }, /Consecutive wildcard characters at pos 2/],
    ['an $or with one alternative', { $or: [{ source: ['a'] }] }, /at least two/],
    ['exists with a string', { detail: { n: [{ exists: 'yes' }] } }, /must be true or false/],
    ['invalid JSON text', '{"source": [', /not valid JSON/],
  ])('rejects %s with a message naming the rule', (_label, pattern, message) => {
    const error = invalid(pattern);
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^Event pattern is not valid\. Reason: /);
  });
});
