/**
 * cidr and IP literals as event-ruler reads them: a string is an address only when it has the
 * whole shape of one (four dotted decimal octets of at most 255, or eight hex groups of at most
 * four digits, `::` standing for the missing ones), and a CIDR block runs from its address with
 * the host bits cleared to the address with them set (event-ruler #89, its ACMachineTest cases).
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError, matchesPattern } from '#infra/local/event-pattern.ts';

const inCidr = (cidr: string, ip: unknown) => matchesPattern({ ip: [{ cidr }] }, { ip });

describe('cidr ranges', () => {
  it('covers the whole block whatever host bits the pattern writes (event-ruler ACMachineTest)', () => {
    // 220.160.153.171/31: the last bit varies, so .170 and .171.
    expect(inCidr('220.160.153.171/31', '220.160.153.170')).toBe(true);
    expect(inCidr('220.160.153.171/31', '220.160.153.171')).toBe(true);
    expect(inCidr('220.160.153.171/31', '220.160.153.169')).toBe(false);
    expect(inCidr('220.160.153.171/31', '220.160.153.172')).toBe(false);
    // 220.160.154.255/24: the last octet varies, so .154.0 to .154.255.
    expect(inCidr('220.160.154.255/24', '220.160.154.0')).toBe(true);
    expect(inCidr('220.160.154.255/24', '220.160.154.255')).toBe(true);
    expect(inCidr('220.160.154.255/24', '220.160.153.255')).toBe(false);
    expect(inCidr('220.160.154.255/24', '220.160.155.0')).toBe(false);
  });

  it('splits a mask inside an octet: 10.0.0.0/20 is 10.0.0.0 to 10.0.15.255', () => {
    expect(inCidr('10.0.0.0/20', '10.0.0.0')).toBe(true);
    expect(inCidr('10.0.0.0/20', '10.0.15.255')).toBe(true);
    expect(inCidr('10.0.0.0/20', '10.0.16.0')).toBe(false);
    expect(inCidr('10.0.0.0/20', '9.255.255.255')).toBe(false);
    // /9: the first octet is fixed, the top bit of the second too.
    expect(inCidr('10.200.0.0/9', '10.128.0.0')).toBe(true);
    expect(inCidr('10.200.0.0/9', '10.255.255.255')).toBe(true);
    expect(inCidr('10.200.0.0/9', '10.127.255.255')).toBe(false);
  });

  it('accepts the widest and narrowest masks of each family', () => {
    expect(inCidr('0.0.0.0/0', '255.255.255.255')).toBe(true);
    expect(inCidr('0.0.0.0/0', '0.0.0.0')).toBe(true);
    expect(inCidr('192.168.1.1/31', '192.168.1.0')).toBe(true);
    expect(inCidr('192.168.1.1/31', '192.168.1.2')).toBe(false);
    expect(inCidr('::/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toBe(true);
    expect(inCidr('2001:db8::3/127', '2001:db8::2')).toBe(true);
    expect(inCidr('2001:db8::3/127', '2001:db8::4')).toBe(false);
    // Never across families, even where the other family's bytes would fall in the range.
    expect(inCidr('::/0', '1.2.3.4')).toBe(false);
    expect(inCidr('0.0.0.0/0', '::1')).toBe(false);
    // /36 fixes 2001, 0db8 and the top nibble of the third group: 2001:db8:0000:: to 2001:db8:0fff:ffff:...
    expect(inCidr('2001:db8::/36', '2001:db8:fff:ffff::')).toBe(true);
    expect(inCidr('2001:db8::/36', '2001:db8:1000::')).toBe(false);
  });

  it('reads the mask as a signed decimal integer, as Java does, and nothing else', () => {
    expect(inCidr('10.0.0.0/+24', '10.0.0.9')).toBe(true);
    for (const cidr of ['10.0.0.0/24x', '10.0.0.0/x24', '10.0.0.0/2 4', '10.0.0.0/'])
      expect(() => compilePattern({ ip: [{ cidr }] }), cidr).toThrow(/mask bits must be an integer/);
    expect(() => compilePattern({ ip: [{ cidr: '10.0.0.0/24/8' }] })).toThrow(InvalidEventPatternError);
  });
});

describe('what counts as an IP address', () => {
  const anyV4 = '0.0.0.0/0';
  const anyV6 = '::/0';

  it('takes four dotted octets of at most 255, and nothing more or less', () => {
    expect(inCidr(anyV4, '1.2.3.255')).toBe(true);
    for (const text of ['1.2.3.256', '1.2.3', '1.2.3.4.5', 'x1.2.3.4', '1.2.3.4x', '1.2.3.-4', '1..3.4'])
      expect(inCidr(anyV4, text), text).toBe(false);
  });

  it('takes eight hex groups, or fewer with one ::, each of one to four digits', () => {
    expect(inCidr(anyV6, '1:2:3:4:5:6:7:8')).toBe(true);
    expect(inCidr(anyV6, '::')).toBe(true);
    expect(inCidr(anyV6, '::1')).toBe(true);
    expect(inCidr(anyV6, '1::')).toBe(true);
    expect(inCidr(anyV6, 'ABCD::ef')).toBe(true);
    for (const text of [
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1::2::3',
      '1:2:3:4::5:6:7:8',
      '12345::1',
      '1:2:3:4:5:6:7:12345',
      ':1:2:3:4:5:6:7',
      'g::1',
    ])
      expect(inCidr(anyV6, text), text).toBe(false);
  });

  it('lets :: stand for a single group of zeros', () => {
    expect(matchesPattern({ ip: ['1:2:3:4:5:6:7:0'] }, { ip: '1:2:3:4:5:6:7::' })).toBe(true);
    expect(matchesPattern({ ip: ['0:1:2:3:4:5:6:7'] }, { ip: '::1:2:3:4:5:6:7' })).toBe(true);
    expect(matchesPattern({ ip: ['1:2:3:0:0:6:7:8'] }, { ip: '1:2:3::6:7:8' })).toBe(true);
    expect(matchesPattern({ ip: ['1:2:3:0:0:6:7:8'] }, { ip: '1:2:3::7:8' })).toBe(false);
  });

  it('compares each group in full, high byte and low byte', () => {
    expect(matchesPattern({ ip: ['::1234'] }, { ip: '0::1234' })).toBe(true);
    expect(matchesPattern({ ip: ['::1234'] }, { ip: '::1235' })).toBe(false);
    expect(matchesPattern({ ip: ['::1234'] }, { ip: '::1334' })).toBe(false);
    expect(matchesPattern({ ip: ['::1234'] }, { ip: '::34' })).toBe(false);
  });

  it('answers each value on its own when the same values come in turn', () => {
    const pattern = compilePattern({ ip: [{ cidr: '10.0.0.0/8' }] });
    for (const [ip, expected] of [
      ['10.1.1.1', true],
      ['11.1.1.1', false],
      ['11.1.1.1', false],
      ['10.1.1.1', true],
      ['not an address', false],
      ['10.9.9.9', true],
    ] as const)
      expect(pattern.matches({ ip }), ip).toBe(expected);
  });
});
