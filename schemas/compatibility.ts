/**
 * Published detail schemas and the changes that break them. Each detail-type's schema is kept,
 * once published, in schemas/published/<DetailType>.v<version>.json and never rewritten; a
 * change to the catalog that removes or retypes a field, or makes a field required that was not,
 * breaks the publishers and consumers of that version, so it must come with a raised version.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { catalog, DETAIL_TYPES, type DetailType } from '#events/catalog.ts';

export const PUBLISHED_DIR = fileURLToPath(new URL('./published/', import.meta.url));

type Schema = {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
};

export function detailSchema(detailType: DetailType): Record<string, unknown> {
  return z.toJSONSchema(catalog[detailType].detail, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
}

export function publishedFileName(detailType: string, version: number): string {
  return `${detailType}.v${version}.json`;
}

/** Why `next` breaks what `published` promised, one line per change; empty when compatible. */
export function breakingChanges(published: Schema, next: Schema, path = 'detail'): string[] {
  const problems: string[] = [];
  const typeOf = (schema: Schema) => JSON.stringify(schema.type ?? null);
  if (published.type !== undefined && typeOf(published) !== typeOf(next)) {
    problems.push(`${path}: type changed from ${typeOf(published)} to ${typeOf(next)}`);
    return problems;
  }
  if (published.const !== undefined && JSON.stringify(published.const) !== JSON.stringify(next.const)) {
    problems.push(
      `${path}: constant changed from ${JSON.stringify(published.const)} to ${JSON.stringify(next.const ?? null)}`,
    );
  }
  if (published.enum) {
    const removed = published.enum.filter(
      (value) => !(next.enum ?? []).some((v) => JSON.stringify(v) === JSON.stringify(value)),
    );
    const added = (next.enum ?? []).filter(
      (value) => !published.enum!.some((v) => JSON.stringify(v) === JSON.stringify(value)),
    );
    if (removed.length > 0 || added.length > 0 || !next.enum) {
      problems.push(
        `${path}: allowed values changed (removed ${JSON.stringify(removed)}, added ${JSON.stringify(added)})`,
      );
    }
  }
  for (const [name, field] of Object.entries(published.properties ?? {})) {
    const nextField = next.properties?.[name];
    if (!nextField) problems.push(`${path}.${name}: removed`);
    else problems.push(...breakingChanges(field, nextField, `${path}.${name}`));
  }
  const wasRequired = new Set(published.required ?? []);
  for (const name of next.required ?? []) {
    if (!wasRequired.has(name))
      problems.push(`${path}.${name}: now required (it was ${published.properties?.[name] ? 'optional' : 'absent'})`);
  }
  if (published.items && next.items) problems.push(...breakingChanges(published.items, next.items, `${path}[]`));
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const before = published[key] ?? [];
    const after = next[key] ?? [];
    if (before.length !== after.length)
      problems.push(`${path}: ${key} has ${after.length} parts instead of ${before.length}`);
    else
      before.forEach((part, index) =>
        problems.push(...breakingChanges(part, after[index]!, `${path}(${key}[${index}])`)),
      );
  }
  return problems;
}

export interface CompatibilityReport {
  detailType: DetailType;
  version: number;
  /** The published schema of this version is not stored yet (`npm run schemas` stores it). */
  unpublished: boolean;
  breaking: string[];
}

/** Every detail-type against the stored schema of its current version. */
export function checkPublished(dir: string = PUBLISHED_DIR): CompatibilityReport[] {
  return DETAIL_TYPES.map((detailType) => {
    const version = catalog[detailType].version;
    const file = join(dir, publishedFileName(detailType, version));
    if (!existsSync(file)) return { detailType, version, unpublished: true, breaking: [] };
    const published = JSON.parse(readFileSync(file, 'utf8')) as Schema;
    return {
      detailType,
      version,
      unpublished: false,
      breaking: breakingChanges(published, detailSchema(detailType) as Schema),
    };
  });
}
