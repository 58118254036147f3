/**
 * Generates schemas/events/<DetailType>.json from the event catalog: one JSON Schema (draft
 * 2020-12) per detail-type, describing the whole EventBridge event as a consumer receives it,
 * for other publishers and the EventBridge schema registry; and the catalog's documents,
 * schemas/asyncapi.json and docs/events.md. It also stores each detail schema the first time its
 * version is published (schemas/published/), never overwriting one. `npm run schemas` writes the
 * files; `npm run schemas -- --check` only says which ones are stale (exit 1), as CI does.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as z from 'zod';
import { catalog, DETAIL_TYPES, type EventDefinition } from '#events/catalog.ts';
import { EventEnvelope } from '#events/envelope.ts';
import { generateAsyncApi, generateEventsMarkdown } from './catalog-documents.ts';
import { checkPublished, detailSchema, PUBLISHED_DIR, publishedFileName } from './compatibility.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('./events/', import.meta.url));
export const ASYNCAPI_FILE = fileURLToPath(new URL('./asyncapi.json', import.meta.url));
export const EVENTS_DOC_FILE = fileURLToPath(new URL('../docs/events.md', import.meta.url));

/** The catalog documents: path → text. */
export function generateCatalogDocuments(): Record<string, string> {
  return { [ASYNCAPI_FILE]: toFileText(generateAsyncApi()), [EVENTS_DOC_FILE]: generateEventsMarkdown() };
}

/** Catalog documents whose file differs from what the catalog generates now. */
export function staleCatalogDocuments(generated = generateCatalogDocuments()): string[] {
  return Object.entries(generated)
    .filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text)
    .map(([path]) => path);
}

/** Stores the detail schema of each version not published yet; returns the files written. */
export function publishNewVersions(dir: string = PUBLISHED_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return checkPublished(dir)
    .filter((report) => report.unpublished)
    .map(({ detailType, version }) => {
      const name = publishedFileName(detailType, version);
      writeFileSync(join(dir, name), toFileText(detailSchema(detailType)));
      return name;
    });
}

const GENERATED_NOTE = 'Generated from events/catalog.ts by `npm run schemas`; do not edit by hand.';

/** Fixed envelope values for the examples, so the output never changes between runs. */
const EXAMPLE_ID = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';
const EXAMPLE_ACCOUNT = '123456789012';
const EXAMPLE_TIME = '2026-11-21T09:30:00Z';
const EXAMPLE_REGION = 'us-east-1';

/** File name → file text for every catalog entry, plus index.json. Pure and deterministic. */
export function generateEventSchemas(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const detailType of DETAIL_TYPES) {
    files[fileNameOf(detailType)] = toFileText(eventSchema(catalog[detailType]));
  }
  files['index.json'] = toFileText({
    $comment: GENERATED_NOTE,
    events: DETAIL_TYPES.map((detailType) => {
      const { version, sources, description } = catalog[detailType];
      return { detailType, file: fileNameOf(detailType), version, sources, description };
    }),
  });
  return files;
}

export function fileNameOf(detailType: string): string {
  return `${detailType}.json`;
}

/**
 * The envelope is generated from the same zod schema consumers parse with (events/envelope.ts),
 * with the detail-type pinned and the catalog detail inside. io 'input' because the schema is for
 * those who produce events: it must accept exactly what our parsers accept — fields with
 * defaults may be left out, and unknown fields are allowed since zod strips them. 'output' would
 * demand defaulted fields and forbid extra ones, refusing events we handle fine.
 */
function eventSchema(definition: EventDefinition): Record<string, unknown> {
  const envelope = EventEnvelope.extend({
    'detail-type': z.literal(definition.detailType),
    detail: definition.detail,
  });
  const { $schema, ...body } = z.toJSONSchema(envelope, { target: 'draft-2020-12', io: 'input' });
  return {
    $schema,
    $comment: GENERATED_NOTE,
    title: definition.detailType,
    description: definition.description,
    'x-alex': {
      detailType: definition.detailType,
      sources: definition.sources,
      version: definition.version,
      description: definition.description,
    },
    ...body,
    examples: [
      // Keys in the order EventBridge delivers them.
      {
        version: '0',
        id: EXAMPLE_ID,
        'detail-type': definition.detailType,
        source: definition.sources[0],
        account: EXAMPLE_ACCOUNT,
        time: EXAMPLE_TIME,
        region: EXAMPLE_REGION,
        resources: [],
        detail: definition.example,
      },
    ],
  };
}

function toFileText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Names of files in `dir` that differ from `generated`, are missing, or should not be there. */
export function staleSchemaFiles(generated: Record<string, string>, dir: string = SCHEMA_DIR): string[] {
  const onDisk = new Set(listJsonFiles(dir));
  const stale = Object.keys(generated).filter(
    (name) => !onDisk.has(name) || readFileSync(join(dir, name), 'utf8') !== generated[name],
  );
  const extra = [...onDisk].filter((name) => !Object.hasOwn(generated, name));
  return [...stale, ...extra].sort();
}

function listJsonFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Writes the generated files and removes JSON files no catalog entry produces any more. */
export function writeEventSchemas(generated: Record<string, string>, dir: string = SCHEMA_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const name of listJsonFiles(dir)) {
    if (!Object.hasOwn(generated, name)) rmSync(join(dir, name));
  }
  for (const [name, text] of Object.entries(generated)) writeFileSync(join(dir, name), text);
}

function main(argv: readonly string[]): number {
  const generated = generateEventSchemas();
  if (argv.includes('--check')) {
    const stale = [...staleSchemaFiles(generated), ...staleCatalogDocuments()];
    if (stale.length > 0) {
      console.error(`Stale generated files (run \`npm run schemas\`): ${stale.join(', ')}`);
      return 1;
    }
    console.log(`schemas/events is up to date (${Object.keys(generated).length} files).`);
    return 0;
  }
  writeEventSchemas(generated);
  for (const [path, text] of Object.entries(generateCatalogDocuments())) writeFileSync(path, text);
  const published = publishNewVersions();
  console.log(
    `Wrote ${Object.keys(generated).length} files to schemas/events, schemas/asyncapi.json and docs/events.md` +
      (published.length > 0 ? `; published ${published.join(', ')}` : ''),
  );
  return 0;
}

/** True under `tsx schemas/generate.ts`; false when a test or another module imports this one. */
function isRunAsScript(): boolean {
  const script = process.argv[1];
  if (script === undefined || !existsSync(script)) return false;
  return import.meta.url === pathToFileURL(realpathSync(script)).href;
}

if (isRunAsScript()) process.exitCode = main(process.argv.slice(2));
