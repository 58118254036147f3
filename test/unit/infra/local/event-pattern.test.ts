import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import {
  compilePattern,
  InvalidEventPatternError,
  MAX_PATTERN_DEPTH,
  matchesPattern,
  testEventPattern,
} from '#infra/local/event-pattern.ts';
import { JOBS_RULE, SERVICES } from '#infra/topology.ts';

/** Asserts the pattern is refused, with EventBridge's wording, the reason and the path. */
function expectInvalid(pattern: unknown, reason: string | RegExp, path: string): void {
  let thrown: unknown;
  try {
    compilePattern(pattern);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `pattern ${JSON.stringify(pattern)} should be refused`).toBeInstanceOf(InvalidEventPatternError);
  const error = thrown as InvalidEventPatternError;
  expect(error.message.startsWith('Event pattern is not valid. Reason: ')).toBe(true);
  expect(error.path).toBe(path);
  expect(error.message.endsWith(` at ${path}`)).toBe(true);
  if (typeof reason === 'string') expect(error.reason).toContain(reason);
  else expect(error.reason).toMatch(reason);
}

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

/** The sample event of the event-ruler README, used by its numeric, cidr and anything-but examples. */
const rulerEvent = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
};

describe('exact values, nesting and AND/OR of the documented examples', () => {
  it('selects EC2 termination events (EventBridge user guide, event patterns)', () => {
    const pattern = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern(pattern, { ...ec2Event, detail: { state: 'running' } })).toBe(false);
    expect(matchesPattern(pattern, { ...ec2Event, source: 'aws.ecs' })).toBe(false);
  });

  it('ORs the values of a leaf and ANDs the fields of an object', () => {
    const pattern = { detail: { state: ['initializing', 'running'], 'c-count': [5] } };
    expect(matchesPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'initializing', 'c-count': 5 } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'running', 'c-count': 6 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { state: 'running' } })).toBe(false);
  });

  it('matches Macie risk scores at two levels of nesting (user guide, value matching)', () => {
    const event = {
      source: 'aws.macie',
      'detail-type': 'Macie Alert',
      detail: { 'risk-score': 80, trigger: { risk: 8, 'alert-type': 'basic' } },
    };
    const pattern = {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { ...event, detail: { ...event.detail, trigger: { risk: 7 } } })).toBe(false);
  });

  it('needs the nesting of the pattern: a scalar is not an object and an object is not a leaf', () => {
    expect(matchesPattern({ detail: { state: ['x'] } }, { detail: 'x' })).toBe(false);
    expect(matchesPattern({ detail: ['x'] }, { detail: { state: 'x' } })).toBe(false);
    expect(matchesPattern({ detail: { state: ['x'] } }, { state: 'x' })).toBe(false);
  });

  it('matches empty strings and nulls, which are not interchangeable (user guide, null values)', () => {
    const event = { source: 'aws.autoscaling', detail: { eventVersion: '', responseElements: null } };
    expect(matchesPattern({ detail: { eventVersion: [''] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { responseElements: [null] } }, event)).toBe(true);
    expect(matchesPattern({ detail: { eventVersion: [null] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { responseElements: [''] } }, event)).toBe(false);
    expect(matchesPattern({ detail: { missing: [null] } }, event)).toBe(false);
  });

  it('never matches strings to numbers or booleans, and compares numbers numerically', () => {
    expect(matchesPattern({ n: ['5'] }, { n: 5 })).toBe(false);
    expect(matchesPattern({ n: [5] }, { n: '5' })).toBe(false);
    expect(matchesPattern({ b: ['true'] }, { b: true })).toBe(false);
    expect(matchesPattern({ b: [true] }, { b: true })).toBe(true);
    expect(matchesPattern({ b: [false] }, { b: true })).toBe(false);
    const envelope = '"id":"1","account":"1","source":"s","time":"t","region":"r","resources":[],"detail-type":"d"';
    expect(testEventPattern('{"n":[5]}', `{${envelope},"n":5.0}`)).toBe(true);
    expect(testEventPattern('{"n":[300]}', `{${envelope},"n":3.0e2}`)).toBe(true);
    expect(testEventPattern('{"n":[300]}', `{${envelope},"n":300.5}`)).toBe(false);
  });

  it('compiles once and matches many events', () => {
    const compiled = compilePattern({ source: ['alex.planner'] });
    expect(compiled.source).toEqual({ source: ['alex.planner'] });
    expect(compiled.matches({ source: 'alex.planner' })).toBe(true);
    expect(compiled.matches({ source: 'alex.tagger' })).toBe(false);
    expect(compiled.matches('not an event')).toBe(false);
  });

  it('does not mistake inherited object properties for event fields', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ constructor: [{ exists: false }] }, {})).toBe(true);
    expect(matchesPattern({ toString: { a: ['x'] } }, {})).toBe(false);
  });
});

describe('arrays in events', () => {
  it('matches when the pattern and event arrays intersect (user guide, arrays)', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const matching = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesPattern(pattern, matching)).toBe(true);
    expect(matchesPattern(pattern, { resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] })).toBe(
      false,
    );
    expect(matchesPattern(pattern, { resources: [] })).toBe(false);
  });

  it('crushes nested arrays of scalars', () => {
    expect(matchesPattern({ tags: ['b'] }, { tags: [['a'], ['b', 'c']] })).toBe(true);
    expect(matchesPattern({ tags: ['d'] }, { tags: [['a'], ['b', 'c']] })).toBe(false);
  });

  it('matches a field inside any element of an array of objects', () => {
    const event = {
      detail: {
        positions: [
          { symbol: 'BND', quantity: 10 },
          { symbol: 'VTI', quantity: 3 },
        ],
      },
    };
    expect(matchesPattern({ detail: { positions: { symbol: ['VTI'] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { positions: { symbol: ['VXUS'] } } }, event)).toBe(false);
  });

  it('keeps fields of one pattern object within one array element (event-ruler README employees)', () => {
    const employees = [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ];
    expect(matchesPattern({ employees: { firstName: ['Anna'] } }, { employees })).toBe(true);
    expect(matchesPattern({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, { employees })).toBe(true);
    expect(matchesPattern({ employees: { firstName: ['Anna'], lastName: ['Jones'] } }, { employees })).toBe(false);
    const nested = [[employees[0], employees[1]], [employees[2]]];
    expect(matchesPattern({ employees: { firstName: ['Peter'], lastName: ['Jones'] } }, { employees: nested })).toBe(
      true,
    );
    expect(matchesPattern({ employees: { firstName: ['John'], lastName: ['Jones'] } }, { employees: nested })).toBe(
      false,
    );
  });

  it('does not treat an array of objects as leaf values', () => {
    expect(matchesPattern({ positions: ['VTI'] }, { positions: [{ symbol: 'VTI' }] })).toBe(false);
  });
});

describe('prefix, suffix, equals-ignore-case and wildcard', () => {
  it('prefix matches the start of strings only (user guide)', () => {
    const pattern = { time: [{ prefix: '2017-10-02' }] };
    expect(matchesPattern(pattern, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern(pattern, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    expect(matchesPattern({ n: [{ prefix: '12' }] }, { n: 123 })).toBe(false);
    expect(matchesPattern({ region: [{ prefix: 'us-' }] }, { region: ['eu-west-1', 'us-east-1'] })).toBe(true);
  });

  it('prefix with equals-ignore-case ignores the case of the beginning (user guide)', () => {
    const pattern = { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] };
    expect(matchesPattern(pattern, { service: 'EventBridge' })).toBe(true);
    expect(matchesPattern(pattern, { service: 'EVENTBUS' })).toBe(true);
    expect(matchesPattern(pattern, { service: 'Event Bridge' })).toBe(false);
  });

  it('suffix matches the end of strings, with or without case (user guide)', () => {
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.png' })).toBe(true);
    expect(matchesPattern({ FileName: [{ suffix: '.png' }] }, { FileName: 'image.PNG' })).toBe(false);
    const ignoringCase = { service: [{ suffix: { 'equals-ignore-case': 'tBridge' } }] };
    expect(matchesPattern(ignoringCase, { service: 'EVENTBRIDGE' })).toBe(true);
    expect(matchesPattern(ignoringCase, { service: 'EventBus' })).toBe(false);
  });

  it('equals-ignore-case matches whole strings in any case', () => {
    const pattern = { name: [{ 'equals-ignore-case': 'alice' }] };
    expect(matchesPattern(pattern, { name: 'ALICE' })).toBe(true);
    expect(matchesPattern(pattern, { name: 'Alicia' })).toBe(false);
    expect(matchesPattern({ n: [{ 'equals-ignore-case': '5' }] }, { n: 5 })).toBe(false);
  });

  it('wildcard matches any run of characters, including none', () => {
    const pattern = { source: [{ wildcard: 'Simple*Service' }] };
    expect(matchesPattern(pattern, { source: 'SimpleQueueService' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'SimpleService' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'SimpleQueueServices' })).toBe(false);
    const several = { key: [{ wildcard: 'a*b*c' }] };
    expect(matchesPattern(several, { key: 'abc' })).toBe(true);
    expect(matchesPattern(several, { key: 'aXXbYYc' })).toBe(true);
    expect(matchesPattern(several, { key: 'acb' })).toBe(false);
    expect(matchesPattern(several, { key: 'abcb' })).toBe(false);
    expect(matchesPattern({ key: [{ wildcard: '*Title*' }] }, { key: 'The Title Page' })).toBe(true);
    expect(matchesPattern({ key: [{ wildcard: 'ab*ba' }] }, { key: 'aba' })).toBe(false);
  });

  it('wildcard * matches every string but nothing else, and escapes are literal', () => {
    expect(matchesPattern({ key: [{ wildcard: '*' }] }, { key: '' })).toBe(true);
    expect(matchesPattern({ key: [{ wildcard: '*' }] }, { key: 42 })).toBe(false);
    expect(matchesPattern({ key: [{ wildcard: '*' }] }, {})).toBe(false);
    expect(matchesPattern({ key: [{ wildcard: 'a\\*b' }] }, { key: 'a*b' })).toBe(true);
    expect(matchesPattern({ key: [{ wildcard: 'a\\*b' }] }, { key: 'aXb' })).toBe(false);
    expect(matchesPattern({ key: [{ wildcard: 'a\\\\*' }] }, { key: 'a\\anything' })).toBe(true);
  });
});

describe('anything-but', () => {
  it('excludes a string or a list of strings (user guide)', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, rulerEvent)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'running' }] } }, rulerEvent)).toBe(false);
    const list = { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } };
    expect(matchesPattern(list, rulerEvent)).toBe(true);
    expect(matchesPattern(list, { detail: { state: 'stopped' } })).toBe(false);
  });

  it('excludes a number or a list of numbers, numerically (user guide)', () => {
    expect(matchesPattern({ detail: { 'x-limit': [{ 'anything-but': 123 }] } }, rulerEvent)).toBe(true);
    expect(matchesPattern({ detail: { 'x-limit': [{ 'anything-but': 301.8 }] } }, rulerEvent)).toBe(false);
    expect(matchesPattern({ detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } }, rulerEvent)).toBe(true);
    expect(matchesPattern({ n: [{ 'anything-but': [100, 200, 300] }] }, { n: 200 })).toBe(false);
  });

  it('never lets an excluded string exclude a number, or the reverse', () => {
    expect(matchesPattern({ n: [{ 'anything-but': '5' }] }, { n: 5 })).toBe(true);
    expect(matchesPattern({ n: [{ 'anything-but': 5 }] }, { n: '5' })).toBe(true);
  });

  it('needs the field to exist', () => {
    expect(matchesPattern({ state: [{ 'anything-but': 'x' }] }, {})).toBe(false);
    expect(matchesPattern({ state: [{ 'anything-but': 'x' }] }, { state: { nested: 'y' } })).toBe(false);
  });

  it('matches an event array holding any value not excluded (SNS/event-ruler semantics)', () => {
    expect(matchesPattern({ price: [{ 'anything-but': [100, 500] }] }, { price: [100, 50] })).toBe(true);
    expect(matchesPattern({ price: [{ 'anything-but': [100, 500] }] }, { price: [100, 500] })).toBe(false);
  });

  it('excludes prefixes and suffixes, one or several (user guide)', () => {
    const notUs = { Region: [{ 'anything-but': { prefix: 'us-' } }] };
    expect(matchesPattern(notUs, { Region: 'eu-west-1' })).toBe(true);
    expect(matchesPattern(notUs, { Region: 'us-east-1' })).toBe(false);
    const notImages = { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] };
    expect(matchesPattern(notImages, { FileName: 'notes.txt' })).toBe(true);
    expect(matchesPattern(notImages, { FileName: 'photo.jpg' })).toBe(false);
  });

  it('excludes values in any case (user guide)', () => {
    const pattern = { state: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] };
    expect(matchesPattern(pattern, { state: 'running' })).toBe(true);
    expect(matchesPattern(pattern, { state: 'INITIALIZING' })).toBe(false);
    expect(matchesPattern(pattern, { state: 'Stopped' })).toBe(false);
  });

  it('excludes wildcard matches (user guide: paths containing /lib/)', () => {
    const pattern = { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] };
    expect(matchesPattern(pattern, { FilePath: '/usr/bin/tool' })).toBe(true);
    expect(matchesPattern(pattern, { FilePath: '/usr/lib/tool.so' })).toBe(false);
  });
});

describe('numeric', () => {
  it('matches the event-ruler README example and its boundaries', () => {
    const pattern = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };
    expect(matchesPattern(pattern, rulerEvent)).toBe(true);
    const inRange = (value: unknown, numeric: unknown[]) => matchesPattern({ v: [{ numeric }] }, { v: value });
    expect(inRange(0, ['>', 0, '<=', 5])).toBe(false);
    expect(inRange(0.000001, ['>', 0, '<=', 5])).toBe(true);
    expect(inRange(5, ['>', 0, '<=', 5])).toBe(true);
    expect(inRange(5.000001, ['>', 0, '<=', 5])).toBe(false);
    expect(inRange(10, ['<', 10])).toBe(false);
    expect(inRange(-3, ['>=', -3, '<', 0])).toBe(true);
    expect(inRange(301.8, ['=', 301.8])).toBe(true);
  });

  it('only matches JSON numbers within ±5e9, compared to six decimals', () => {
    const positive = { v: [{ numeric: ['>', 0] }] };
    expect(matchesPattern(positive, { v: '5' })).toBe(false);
    expect(matchesPattern(positive, { v: 6e9 })).toBe(false);
    expect(matchesPattern(positive, { v: 5e9 })).toBe(true);
    expect(matchesPattern({ v: [{ numeric: ['>', 1] }] }, { v: 1.0000001 })).toBe(false);
    expect(matchesPattern(positive, { v: [-1, 2] })).toBe(true);
    expect(matchesPattern(positive, {})).toBe(false);
  });
});

describe('exists', () => {
  it('exists: true needs a leaf value; an object is not one (user guide)', () => {
    const pattern = { detail: { state: [{ exists: true }] } };
    expect(matchesPattern(pattern, ec2Event)).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { state: { c1: 100 } } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { state: null } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: [] } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { state: ['a'] } })).toBe(true);
  });

  it('exists: false matches a missing field, or one with no leaf value (event-ruler README)', () => {
    const pattern = { detail: { 'c-count': [{ exists: false }] } };
    expect(matchesPattern(pattern, { detail: { state: 'running' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { state: 'running', 'c-count': { c1: 100 } } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'c-count': 5 } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': null } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'c-count': [] } })).toBe(true);
    expect(matchesPattern(pattern, {})).toBe(true);
    expect(matchesPattern(pattern, { detail: 'scalar' })).toBe(true);
  });

  it('exists: false inside an array of objects needs the field absent from every element', () => {
    const pattern = { positions: { error: [{ exists: false }] } };
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI' }, { symbol: 'BND' }] })).toBe(true);
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI' }, { symbol: 'BND', error: 'stale' }] })).toBe(false);
    expect(matchesPattern(pattern, { positions: [] })).toBe(true);
  });

  // Answers from event-ruler itself: it checks absence among the array elements consistent with
  // the fields before it in name order ("error" < "symbol" < "warning").
  it('exists: false after a positive condition in name order is judged within the element that matched', () => {
    const pattern = { positions: { symbol: ['VTI'], warning: [{ exists: false }] } };
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI' }, { symbol: 'BND', warning: 'stale' }] })).toBe(true);
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI', warning: 'stale' }, { symbol: 'BND' }] })).toBe(
      false,
    );
  });

  it('exists: false before a positive condition in name order is judged on the whole event', () => {
    const pattern = { positions: { symbol: ['VTI'], error: [{ exists: false }] } };
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI' }, { symbol: 'BND', error: 'stale' }] })).toBe(false);
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI', error: 'stale' }, { symbol: 'BND' }] })).toBe(false);
    expect(matchesPattern(pattern, { positions: [{ symbol: 'VTI' }, { symbol: 'BND' }] })).toBe(true);
  });

  it('ORs exists with the other values of the same leaf', () => {
    const pattern = { state: ['running', { exists: false }] };
    expect(matchesPattern(pattern, {})).toBe(true);
    expect(matchesPattern(pattern, { state: 'running' })).toBe(true);
    expect(matchesPattern(pattern, { state: 'stopped' })).toBe(false);
  });
});

describe('cidr and IP addresses', () => {
  it('matches IPv4 addresses within the block (user guide)', () => {
    const pattern = { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } };
    expect(matchesPattern(pattern, rulerEvent)).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'source-ip': '10.0.0.255' } })).toBe(true);
    expect(matchesPattern(pattern, { detail: { 'source-ip': '10.0.1.0' } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'source-ip': 'ten.zero' } })).toBe(false);
    expect(matchesPattern(pattern, { detail: { 'source-ip': 167772161 } })).toBe(false);
  });

  it('matches IPv6 addresses in any spelling, and never across families', () => {
    const pattern = { ip: [{ cidr: '2001:db8::/32' }] };
    expect(matchesPattern(pattern, { ip: '2001:db8:0:1::5' })).toBe(true);
    expect(matchesPattern(pattern, { ip: '2001:0DB8:ffff:ffff:ffff:ffff:ffff:ffff' })).toBe(true);
    expect(matchesPattern(pattern, { ip: '2001:db9::1' })).toBe(false);
    expect(matchesPattern(pattern, { ip: '10.0.0.1' })).toBe(false);
    expect(matchesPattern({ ip: [{ cidr: '0.0.0.0/0' }] }, { ip: '::1' })).toBe(false);
  });

  it('treats an exact IP literal as the address, whatever its spelling', () => {
    expect(matchesPattern({ ip: ['2001:db8::1'] }, { ip: '2001:0db8:0:0:0:0:0:1' })).toBe(true);
    expect(matchesPattern({ ip: ['2001:db8::1'] }, { ip: '2001:db8::2' })).toBe(false);
  });
});

describe('$or', () => {
  it('ORs sets of fields (event-ruler README, normal "Or")', () => {
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
    };
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', metricName: 'ReadLatency' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(true);
    expect(matchesPattern(pattern, { source: 'aws.cloudwatch', metricName: 'WriteLatency', namespace: 'AWS/S3' })).toBe(
      false,
    );
    expect(matchesPattern(pattern, { source: 'aws.ec2', metricName: 'ReadLatency' })).toBe(false);
  });

  it('supports parallel $or at several levels and $or nested inside $or (README)', () => {
    const parallel = {
      $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
    };
    expect(
      matchesPattern(parallel, { namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }),
    ).toBe(true);
    expect(matchesPattern(parallel, { namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } })).toBe(false);

    const nested = {
      source: ['aws.cloudwatch'],
      $or: [
        { metricName: ['CPUUtilization', 'ReadLatency'] },
        {
          metricType: ['MetricType'],
          namespace: ['AWS/EC2', 'AWS/ES'],
          $or: [{ metricId: [1234] }, { spaceId: [1000] }],
        },
        { scope: ['Service'] },
      ],
    };
    const base = { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/EC2' };
    expect(matchesPattern(nested, { ...base, spaceId: 1000 })).toBe(true);
    expect(matchesPattern(nested, { ...base, spaceId: 1001 })).toBe(false);
    expect(matchesPattern(nested, { source: 'aws.cloudwatch', scope: 'Service' })).toBe(true);
  });

  it('keeps $or inside an array of objects within one element', () => {
    const pattern = {
      positions: { symbol: ['VTI'], $or: [{ quantity: [{ numeric: ['>', 100] }] }, { pinned: [true] }] },
    };
    expect(
      matchesPattern(pattern, {
        positions: [
          { symbol: 'VTI', quantity: 5 },
          { symbol: 'BND', pinned: true },
        ],
      }),
    ).toBe(false);
    expect(matchesPattern(pattern, { positions: [{ symbol: 'BND' }, { symbol: 'VTI', pinned: true }] })).toBe(true);
  });
});

describe('validation', () => {
  it('reports errors as InvalidEventPatternError, an InvalidInputError', () => {
    expect(() => compilePattern([])).toThrow(InvalidEventPatternError);
    expect(() => compilePattern([])).toThrow(InvalidInputError);
    expect(() => compilePattern([])).toThrow(
      /^Event pattern is not valid\. Reason: Filter is not an object at \(root\)$/,
    );
  });

  it('refuses a pattern that is not an object', () => {
    for (const pattern of [[], 'source', null, 42, undefined])
      expectInvalid(pattern, 'Filter is not an object', '(root)');
  });

  it('refuses empty objects and empty arrays', () => {
    expectInvalid({}, 'Empty objects are not allowed', '(root)');
    expectInvalid({ detail: {} }, 'Empty objects are not allowed', 'detail');
    expectInvalid({ detail: { state: [] } }, 'Empty arrays are not allowed', 'detail.state');
  });

  it('refuses a field that is neither object nor array, and values that are not scalars', () => {
    expectInvalid({ source: 'aws.ec2' }, '"source" must be an object or an array', 'source');
    expectInvalid({ detail: { n: 5 } }, '"n" must be an object or an array', 'detail.n');
    expectInvalid({ tags: [['a']] }, 'Match value must be String, number, true, false, or null', 'tags[0]');
  });

  it('refuses unknown operators and operator objects without exactly one key', () => {
    expectInvalid({ s: [{ contains: 'x' }] }, 'Unrecognized match type contains', 's[0]');
    expectInvalid({ s: [{}] }, 'Match expression name not found', 's[0]');
    expectInvalid({ s: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression', 's[0]');
  });

  it('refuses non-string arguments of string operators', () => {
    expectInvalid({ s: [{ prefix: 5 }] }, 'prefix match pattern must be a string', 's[0].prefix');
    expectInvalid({ s: [{ suffix: null }] }, 'suffix match pattern must be a string', 's[0].suffix');
    expectInvalid(
      { s: [{ 'equals-ignore-case': ['a'] }] },
      'equals-ignore-case match pattern must be a string',
      's[0].equals-ignore-case',
    );
    expectInvalid(
      { s: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
      's[0].prefix.equals-ignore-case',
    );
    expectInvalid({ s: [{ prefix: { wildcard: 'a*' } }] }, 'Unsupported prefix pattern: wildcard', 's[0].prefix');
    expectInvalid({ s: [{ suffix: { x: 'a', y: 'b' } }] }, 'Only one key allowed', 's[0].suffix');
    expectInvalid({ s: [{ wildcard: 7 }] }, 'wildcard match pattern must be a string', 's[0].wildcard');
  });

  it('refuses consecutive wildcards and bad escapes', () => {
    expectInvalid({ s: [{ wildcard: 'a**b' }] }, 'Consecutive wildcard characters at pos 1', 's[0].wildcard');
    expectInvalid({ s: [{ wildcard: 'a\\b' }] }, 'Invalid escape character at pos 1', 's[0].wildcard');
    expectInvalid({ s: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 1', 's[0].wildcard');
    expect(() => compilePattern({ s: [{ wildcard: 'a\\**' }] })).not.toThrow();
  });

  it('refuses malformed anything-but', () => {
    expectInvalid(
      { s: [{ 'anything-but': null }] },
      'must be an array or single string/number value',
      's[0].anything-but',
    );
    expectInvalid(
      { s: [{ 'anything-but': true }] },
      'must be an array or single string/number value',
      's[0].anything-but',
    );
    expectInvalid({ s: [{ 'anything-but': ['a', 1] }] }, 'mixed type is not supported', 's[0].anything-but');
    expectInvalid({ s: [{ 'anything-but': [] }] }, 'mixed type is not supported', 's[0].anything-but');
    expectInvalid(
      { s: [{ 'anything-but': ['a', null] }] },
      'start|null|boolean is not supported',
      's[0].anything-but[1]',
    );
    expectInvalid(
      { s: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
      's[0].anything-but.prefix',
    );
    expectInvalid(
      { s: [{ 'anything-but': { suffix: 5 } }] },
      'prefix/suffix match pattern must be a string',
      's[0].anything-but.suffix',
    );
    expectInvalid(
      { s: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
      's[0].anything-but',
    );
    expectInvalid({ s: [{ 'anything-but': {} }] }, 'Anything-But expression name not found', 's[0].anything-but');
    expectInvalid(
      { s: [{ 'anything-but': { 'equals-ignore-case': ['a', 1] } }] },
      'number|start|null|boolean is not supported',
      's[0].anything-but.equals-ignore-case[1]',
    );
    expectInvalid(
      { s: [{ 'anything-but': { wildcard: ['ok*', 'a**'] } }] },
      'Consecutive wildcard',
      's[0].anything-but.wildcard[1]',
    );
    expectInvalid(
      { s: [{ 'anything-but': 0.1234567 }] },
      'Only values upto 6 decimals are supported',
      's[0].anything-but',
    );
  });

  it('refuses malformed numeric expressions', () => {
    expectInvalid({ n: [{ numeric: '>0' }] }, 'Value of numeric must be an array.', 'n[0].numeric');
    expectInvalid({ n: [{ numeric: [] }] }, 'Invalid member in numeric match', 'n[0].numeric');
    expectInvalid({ n: [{ numeric: [0, '>'] }] }, 'Invalid member in numeric match: 0', 'n[0].numeric[0]');
    expectInvalid({ n: [{ numeric: ['!=', 1] }] }, 'Unrecognized numeric range operator: !=', 'n[0].numeric[0]');
    expectInvalid({ n: [{ numeric: ['>', '5'] }] }, 'Value of > must be numeric', 'n[0].numeric[1]');
    expectInvalid({ n: [{ numeric: ['<'] }] }, 'Value of < must be numeric', 'n[0].numeric');
    expectInvalid({ n: [{ numeric: ['=', 1, 2] }] }, 'Too many elements in numeric expression', 'n[0].numeric[2]');
    expectInvalid({ n: [{ numeric: ['<', 5, '>', 0] }] }, 'Too many elements in numeric expression', 'n[0].numeric[2]');
    expectInvalid({ n: [{ numeric: ['>', 0, '>', 5] }] }, 'Bad numeric range operator: >', 'n[0].numeric[2]');
    expectInvalid({ n: [{ numeric: ['>', 0, 5] }] }, 'Bad value in numeric range: 5', 'n[0].numeric[2]');
    expectInvalid(
      { n: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
      'n[0].numeric[4]',
    );
    expectInvalid({ n: [{ numeric: ['>', 5, '<=', 5] }] }, 'Bottom must be less than top', 'n[0].numeric');
    expectInvalid(
      { n: [{ numeric: ['>', 6e9] }] },
      'Value must be between -5000000000 and 5000000000, inclusive',
      'n[0].numeric[1]',
    );
    expectInvalid(
      { n: [{ numeric: ['=', 0.1234567] }] },
      'Only values upto 6 decimals are supported',
      'n[0].numeric[1]',
    );
    expect(() => compilePattern({ n: [{ numeric: ['>=', -5e9, '<=', 0.123456] }] })).not.toThrow();
  });

  it('refuses exists with anything but a boolean', () => {
    expectInvalid({ s: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.', 's[0].exists');
  });

  it('refuses malformed CIDR blocks', () => {
    expectInvalid({ ip: [{ cidr: '10.0.0.0' }] }, "one '/' required", 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '10.0.0.0/x' }] }, 'mask bits must be an integer', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '10.0.0.0/-1' }] }, 'mask bits must not be negative', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '10.0.0.0/32' }] }, 'IPv4 mask bits must be < 32', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '2001:db8::/128' }] }, 'IPv6 mask bits must be < 128', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '10.0.0.256/24' }] }, 'Invalid IP address', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: 'example.com/24' }] }, 'Invalid IP address', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: '1:2:3:4:5:6:7:8:9/64' }] }, 'Invalid IP address', 'ip[0].cidr');
    expectInvalid({ ip: [{ cidr: 10 }] }, 'cidr match pattern must be a string', 'ip[0].cidr');
  });

  it('refuses malformed $or', () => {
    expectInvalid({ $or: { a: ['x'] } }, 'It must be an Array followed with $or.', '$or');
    expectInvalid({ $or: [{ a: ['x'] }] }, 'There must have at least 2 Objects in $or relationship.', '$or');
    expectInvalid({ $or: [{ a: ['x'] }, 'b'] }, 'Only JSON object is allowed in array of $or relationship.', '$or[1]');
    expectInvalid({ $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed', '$or[1]');
    expectInvalid({ $or: [{ numeric: [1] }, { b: ['y'] }] }, 'numeric is Ruler reserved fieldName', '$or[0].numeric');
    expectInvalid(
      { $or: [{ a: { prefix: ['x'] } }, { b: ['y'] }] },
      'prefix is Ruler reserved fieldName',
      '$or[0].a.prefix',
    );
    expect(() => compilePattern({ prefix: ['x'] })).not.toThrow();
  });

  it(`refuses nesting deeper than ${MAX_PATTERN_DEPTH} levels`, () => {
    const build = (depth: number): unknown => (depth === 0 ? { leaf: ['x'] } : { a: build(depth - 1) });
    expect(() => compilePattern(build(MAX_PATTERN_DEPTH))).not.toThrow();
    expectInvalid(
      build(MAX_PATTERN_DEPTH + 1),
      `deeper than ${MAX_PATTERN_DEPTH} levels`,
      `${'a.'.repeat(MAX_PATTERN_DEPTH + 1).slice(0, -1)}`,
    );
  });
});

describe('testEventPattern', () => {
  const event = JSON.stringify(ec2Event);

  it('answers like aws events test-event-pattern', () => {
    expect(testEventPattern('{"source":["aws.ec2"],"detail":{"state":["terminated"]}}', event)).toBe(true);
    expect(testEventPattern('{"source":["aws.s3"]}', event)).toBe(false);
  });

  it('refuses a bad pattern, including one that is not JSON, with InvalidEventPatternError', () => {
    expect(() => testEventPattern('{"source":"aws.ec2"}', event)).toThrow(InvalidEventPatternError);
    expect(() => testEventPattern('{source: [', event)).toThrow(
      /^Event pattern is not valid\. Reason: the pattern is not valid JSON \(.+\) at \(root\)$/,
    );
  });

  it('refuses an event that is not JSON, not an object, or lacks the mandatory fields', () => {
    expect(() => testEventPattern('{"source":["a"]}', 'nope')).toThrow(/^event is not valid JSON/);
    expect(() => testEventPattern('{"source":["a"]}', '[1]')).toThrow('event must be a JSON object');
    expect(() => testEventPattern('{"source":["a"]}', '{"source":"a","detail-type":"x"}')).toThrow(
      'event is missing id, account, time, region, resources: ' +
        'TestEventPattern requires id, account, source, time, region, resources, detail-type',
    );
  });
});

describe('the topology rules', () => {
  const rules = [JOBS_RULE, ...Object.values(SERVICES).flatMap((service) => service.rules)];

  it('all compile', () => {
    for (const rule of rules) expect(() => compilePattern(rule.pattern), rule.name).not.toThrow();
  });

  it('route AnalysisPlanned to the specialists whose task it lists, and to the aggregator', () => {
    const planned = {
      ...ec2Event,
      source: 'alex.planner',
      'detail-type': 'AnalysisPlanned',
      detail: { jobId: 'j1', tasks: ['report', 'charts'] },
    };
    const targets = rules.filter((rule) => compilePattern(rule.pattern).matches(planned)).map((rule) => rule.target);
    expect(targets.sort()).toEqual(['aggregator', 'charter', 'reporter']);
  });
});
