/**
 * The key pairs the local endpoints accept, kept in `<home>/credentials.json` (mode 0600): one
 * pair per publisher, created on first use. A pair is `internal` only when made for Alex's own
 * tools; every other publisher is outside Alex and may publish only the open detail-types.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import type { Publisher } from '#events/provenance.ts';

const KeyPair = z.object({
  accessKeyId: z.string().regex(/^[A-Z0-9]{16,128}$/),
  secretAccessKey: z.string().min(20),
  publisher: z.string().min(1),
  internal: z.boolean(),
  createdAt: z.string(),
});
export type KeyPair = z.infer<typeof KeyPair>;
const KeyFile = z.object({ keys: z.array(KeyPair) });

export const DEFAULT_PUBLISHER = 'default';
const PUBLISHER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class KeyStore {
  private readonly byId = new Map<string, KeyPair>();

  constructor(keys: readonly KeyPair[] = []) {
    for (const key of keys) this.byId.set(key.accessKeyId, key);
  }

  /** The secret of a key id the runtime issued, for signature checks. */
  secretOf(accessKeyId: string): string | undefined {
    return this.byId.get(accessKeyId)?.secretAccessKey;
  }

  publisherOf(accessKeyId: string): Publisher | undefined {
    const key = this.byId.get(accessKeyId);
    return key && { name: key.publisher, internal: key.internal };
  }

  get keys(): KeyPair[] {
    return [...this.byId.values()];
  }

  /** The publisher's pair, made now if it has none. */
  ensure(publisher: string, internal = false): KeyPair {
    if (!PUBLISHER_NAME.test(publisher)) {
      throw new InvalidInputError(
        `--publisher: "${publisher}" must be 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    const existing = this.keys.find((key) => key.publisher === publisher);
    if (existing) {
      if (existing.internal !== internal) {
        throw new InvalidInputError(
          `--publisher: "${publisher}" already has an ${existing.internal ? 'internal' : 'outside'} key; choose another name`,
        );
      }
      return existing;
    }
    const key: KeyPair = {
      accessKeyId: `AKIA${randomBytes(10).toString('hex').toUpperCase().slice(0, 16)}`,
      secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x').slice(0, 40),
      publisher,
      internal,
      createdAt: new Date().toISOString(),
    };
    this.byId.set(key.accessKeyId, key);
    return key;
  }
}

export function credentialsFile(home: string): string {
  return join(home, 'credentials.json');
}

/** Reads the home folder's key pairs (none when the file does not exist yet). */
export function loadKeyStore(home: string): KeyStore {
  const file = credentialsFile(home);
  if (!existsSync(file)) return new KeyStore();
  const parsed = InvalidInputError.parse(KeyFile, JSON.parse(readFileSync(file, 'utf8')), file);
  return new KeyStore(parsed.keys);
}

export function saveKeyStore(home: string, store: KeyStore): void {
  mkdirSync(home, { recursive: true });
  const file = credentialsFile(home);
  writeFileSync(file, `${JSON.stringify({ keys: store.keys }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The publisher's pair from the home folder, created and saved if it is new. */
export function ensureKey(home: string, publisher = DEFAULT_PUBLISHER, internal = false): KeyPair {
  const store = loadKeyStore(home);
  const before = store.keys.length;
  const key = store.ensure(publisher, internal);
  if (store.keys.length !== before) saveKeyStore(home, store);
  return key;
}

/** Where a running endpoint server says it listens, so `alex credentials` can print it. */
export function endpointFile(home: string): string {
  return join(home, 'endpoint.json');
}

export function recordEndpoint(home: string, url: string): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(endpointFile(home), `${JSON.stringify({ url })}\n`);
}

export function recordedEndpoint(home: string): string | undefined {
  const file = endpointFile(home);
  if (!existsSync(file)) return undefined;
  try {
    const { url } = JSON.parse(readFileSync(file, 'utf8')) as { url?: unknown };
    return typeof url === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}
