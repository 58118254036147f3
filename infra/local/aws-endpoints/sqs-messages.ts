/**
 * What SQS checks and computes for a message: the body's characters and size, message
 * attributes (names, types, values, at most 10), and the MD5 digests clients verify —
 * MD5OfMessageBody over the UTF-8 body, and MD5OfMessageAttributes by AWS's algorithm: for each
 * attribute in name order, the name, the data type and the value, each as a 4-byte big-endian
 * length and its bytes, with a transport byte (1 string or number, 2 binary) before the value.
 */
import { createHash } from 'node:crypto';
import type { TypedAttribute } from '../queue.ts';

/** The queues' MaximumMessageSize: body and attributes together. */
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_ATTRIBUTES = 10;

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer[] {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return [length, bytes];
}

function valueBytes(attribute: TypedAttribute): Buffer {
  return isBinary(attribute.DataType)
    ? Buffer.from(attribute.BinaryValue ?? '', 'base64')
    : Buffer.from(attribute.StringValue ?? '', 'utf8');
}

const isBinary = (dataType: string) => dataType === 'Binary' || dataType.startsWith('Binary.');

/** MD5OfMessageAttributes, or undefined when there are none (AWS then leaves the field out). */
export function md5OfAttributes(attributes: Record<string, TypedAttribute> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const attribute = attributes![name]!;
    parts.push(...lengthPrefixed(Buffer.from(name, 'utf8')));
    parts.push(...lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    parts.push(Buffer.from([isBinary(attribute.DataType) ? 2 : 1]));
    parts.push(...lengthPrefixed(valueBytes(attribute)));
  }
  return md5Hex(Buffer.concat(parts));
}

/** SQS refuses characters outside #x9 #xA #xD #x20–#xD7FF #xE000–#xFFFD #x10000–#x10FFFF. */
const INVALID_CHARACTER = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export interface MessageProblem {
  code: 'InvalidMessageContents' | 'InvalidParameterValue';
  message: string;
}

/** Why SQS would refuse this message, or undefined. */
export function messageProblem(body: unknown, attributes: unknown): MessageProblem | undefined {
  if (typeof body !== 'string' || body.length === 0) {
    return { code: 'InvalidParameterValue', message: 'The request must contain the parameter MessageBody.' };
  }
  if (INVALID_CHARACTER.test(body)) {
    return {
      code: 'InvalidMessageContents',
      message:
        'Invalid characters found. Valid values: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    };
  }
  const attributeProblem = attributesProblem(attributes);
  if (attributeProblem) return { code: 'InvalidParameterValue', message: attributeProblem };
  const size =
    Buffer.byteLength(body, 'utf8') + attributesSize(attributes as Record<string, TypedAttribute> | undefined);
  if (size > MAX_MESSAGE_BYTES) {
    return {
      code: 'InvalidParameterValue',
      message: `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
    };
  }
  return undefined;
}

const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]{1,256}$/;

function attributesProblem(attributes: unknown): string | undefined {
  if (attributes === undefined) return undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    return 'MessageAttributes must be a map of name to value.';
  }
  const entries = Object.entries(attributes as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    return `Number of message attributes [${entries.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`;
  }
  for (const [name, raw] of entries) {
    if (!ATTRIBUTE_NAME.test(name) || name.startsWith('.') || name.endsWith('.') || name.includes('..')) {
      return `Message attribute name '${name}' is invalid: use letters, digits, '_', '-' and '.', no leading, trailing or double '.'.`;
    }
    if (/^(aws\.|amazon\.)/i.test(name)) return `Message attribute name '${name}' is reserved for AWS.`;
    const attribute = raw as Partial<TypedAttribute> | null;
    const dataType = attribute?.DataType;
    if (typeof dataType !== 'string' || !/^(String|Number|Binary)(\..+)?$/.test(dataType)) {
      return `Message attribute '${name}' must have a DataType of String, Number or Binary (optionally with a .suffix).`;
    }
    const value = isBinary(dataType) ? attribute?.BinaryValue : attribute?.StringValue;
    if (typeof value !== 'string' || value.length === 0) {
      return `Message attribute '${name}' must contain a non-empty ${isBinary(dataType) ? 'BinaryValue' : 'StringValue'}.`;
    }
    if (dataType.startsWith('Number') && !Number.isFinite(Number(value))) {
      return `Message attribute '${name}' has a Number DataType but its value '${value}' is not a number.`;
    }
  }
  return undefined;
}

function attributesSize(attributes: Record<string, TypedAttribute> | undefined): number {
  let size = 0;
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType) + valueBytes(attribute).length;
  }
  return size;
}

/** Only the attribute's wire fields, so nothing else a client sent is stored or echoed. */
export function cleanAttributes(attributes: unknown): Record<string, TypedAttribute> | undefined {
  if (!attributes || Object.keys(attributes).length === 0) return undefined;
  return Object.fromEntries(
    Object.entries(attributes as Record<string, TypedAttribute>).map(([name, a]) => [
      name,
      {
        DataType: a.DataType,
        ...(a.StringValue !== undefined && !isBinary(a.DataType) ? { StringValue: a.StringValue } : {}),
        ...(a.BinaryValue !== undefined && isBinary(a.DataType) ? { BinaryValue: a.BinaryValue } : {}),
      },
    ]),
  );
}
