/**
 * IP address literals and CIDR ranges, as event-ruler (the matcher inside EventBridge) reads them.
 * An address is kept as its bytes (4 for IPv4, 16 for IPv6) so that a range test is a
 * lexicographic comparison, the same for both families.
 */

// event-ruler only treats a string as an address when it looks like one of these; anything else
// (a host name, an IPv6 address with an embedded dotted quad, a zone id) is a plain string.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

// Several rules usually test the same event field, so the last answer is kept. The bytes are
// never mutated by callers, which makes sharing them safe.
let lastText: string | undefined;
let lastAddress: Uint8Array | undefined;

/** The bytes of an IPv4 or IPv6 literal, or undefined when the text is not one. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  if (text === lastText) return lastAddress;
  const address = IPV4_SHAPE.test(text) ? parseIpv4(text) : IPV6_SHAPE.test(text) ? parseIpv6(text) : undefined;
  lastText = text;
  lastAddress = address;
  return address;
}

function parseIpv4(text: string): Uint8Array | undefined {
  const parts = text.split('.');
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const octet = Number(parts[i]);
    if (octet > 255) return undefined;
    bytes[i] = octet;
  }
  return bytes;
}

function parseIpv6(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : halves[0]!.split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : halves[1]!.split(':')) : [];
  const compressed = halves.length === 2;
  const groups = head.length + tail.length;
  if (compressed ? groups > 7 : groups !== 8) return undefined;
  const words = [...head, ...new Array<string>(8 - groups).fill('0'), ...tail];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const word = words[i]!;
    if (!HEX_GROUP.test(word)) return undefined;
    const value = parseInt(word, 16);
    bytes[2 * i] = value >> 8;
    bytes[2 * i + 1] = value & 0xff;
  }
  return bytes;
}

/** Inclusive range of addresses of one family. */
export interface IpRange {
  readonly low: Uint8Array;
  readonly high: Uint8Array;
}

/**
 * Parses `address/bits`. Returns the reason it is malformed as a string, so the caller can name
 * the pattern path. As in event-ruler (since its CIDR fix #89), the range runs from the address
 * with its host bits cleared to the address with them set, so `10.0.0.5/24` is `10.0.0.0` to
 * `10.0.0.255`; the mask must be below 32 (IPv4) or 128 (IPv6).
 */
export function parseCidr(text: string): IpRange | string {
  const slashed = text.split('/');
  if (slashed.length !== 2) return `Malformed CIDR "${text}", one '/' required`;
  const [addressText, bitsText] = slashed as [string, string];
  if (!/^[+-]?[0-9]+$/.test(bitsText)) return `Malformed CIDR "${text}", mask bits must be an integer`;
  const bits = Number(bitsText);
  if (bits < 0) return `Malformed CIDR "${text}", mask bits must not be negative`;
  const address = parseIpAddress(addressText);
  if (!address) return `Invalid IP address in CIDR "${text}"`;
  if (address.length === 4 && bits > 31) return `IPv4 mask bits must be < 32 in CIDR "${text}"`;
  if (address.length === 16 && bits > 127) return `IPv6 mask bits must be < 128 in CIDR "${text}"`;
  const floor = new Uint8Array(address.length);
  const high = new Uint8Array(address.length);
  for (let i = 0; i < address.length; i++) {
    const networkBitsInByte = Math.min(8, Math.max(0, bits - 8 * i));
    const hostBits = 0xff >> networkBitsInByte;
    floor[i] = address[i]! & ~hostBits;
    high[i] = address[i]! | hostBits;
  }
  return { low: floor, high };
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    const diff = a[i]! - b[i]!;
    if (diff !== 0) return diff;
  }
  return 0;
}

export function ipInRange(address: Uint8Array, range: IpRange): boolean {
  return (
    address.length === range.low.length &&
    compareBytes(address, range.low) >= 0 &&
    compareBytes(address, range.high) <= 0
  );
}
