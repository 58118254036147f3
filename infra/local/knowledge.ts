/**
 * The knowledge base on the local runtime, for `alex knowledge`: files are read and checked all
 * before any is submitted (a bad one means nothing is sent), then submitted as DocumentSubmitted
 * events the researcher handles through its own queue, exactly as another system's would be; the
 * outcome of each is read back from the researcher's catalogue once the runtime has settled.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MAX_INLINE_DOCUMENT_BYTES } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import { checkIn } from '#services/common/claim-check.ts';
import {
  type DocumentFormat,
  formatOfPath,
  MAX_DOCUMENT_CHARS,
  parseDocument,
  SUPPORTED_EXTENSIONS,
} from '#services/researcher/documents.ts';
import { getDocument } from '#services/researcher/knowledge-store.ts';
import type { LocalRuntime } from './runtime.ts';

/** A file larger than this is refused before it is read (the text limit is MAX_DOCUMENT_CHARS). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** The most files one `add` takes; more is almost surely the wrong folder. */
export const MAX_FILES = 1_000;

export interface KnowledgeFile {
  documentId: string;
  source: string;
  format: DocumentFormat;
  content: string;
  contentHash: string;
}

export interface AddedDocument {
  documentId: string;
  title: string;
  outcome: 'added' | 'replaced' | 'unchanged' | 'failed';
  passages: number;
}

/**
 * The documents under `paths` (files, or folders searched recursively for supported types),
 * each read and parsed; throws an InvalidInputError naming the first file that cannot be used.
 */
export function collectKnowledgeFiles(paths: readonly string[], cwd: string): KnowledgeFile[] {
  const files: string[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      throw new InvalidInputError(`${given}: no such file or folder`);
    }
    if (stats.isDirectory()) {
      const found = walk(path).filter((file) => formatOfPath(file) !== undefined);
      if (found.length === 0) {
        throw new InvalidInputError(
          `${given}: holds no document of a supported type (${SUPPORTED_EXTENSIONS.join(', ')})`,
        );
      }
      files.push(...found);
    } else if (formatOfPath(path) === undefined) {
      throw new InvalidInputError(
        `${given}: is not a supported document type; use Markdown, plain text or HTML (${SUPPORTED_EXTENSIONS.join(', ')})`,
      );
    } else files.push(path);
  }
  const unique = [...new Set(files)];
  if (unique.length > MAX_FILES) {
    throw new InvalidInputError(
      `${paths.join(' ')}: holds ${unique.length} documents; add at most ${MAX_FILES} at a time`,
    );
  }
  return unique.map((file) => readKnowledgeFile(file, cwd));
}

function readKnowledgeFile(file: string, cwd: string): KnowledgeFile {
  const source = displayPath(file, cwd);
  const bytes = statSync(file).size;
  if (bytes > MAX_FILE_BYTES) {
    throw new InvalidInputError(
      `${source}: is ${bytes.toLocaleString('en-US')} bytes; the limit is ${MAX_FILE_BYTES.toLocaleString('en-US')} ` +
        `(and ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters): split it into smaller documents`,
    );
  }
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(file));
  } catch {
    throw new InvalidInputError(`${source}: is not UTF-8 text; save it as UTF-8 and add it again`);
  }
  const format = formatOfPath(file)!;
  const parsed = parseDocument(source, format, content);
  return { documentId: documentIdOf(source), source, format, content, contentHash: parsed.contentHash };
}

function walk(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    // Hidden files and folders (.git, .DS_Store) are not documents.
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** The path as the user would write it from where they stand: relative inside the working directory. */
function displayPath(file: string, cwd: string): string {
  const inside = relative(cwd, file);
  const path = inside.startsWith('..') || isAbsolute(inside) ? file : inside;
  return path.split(sep).join('/');
}

/** The document's id: its path, in the characters an id allows (DocumentId in the catalog). */
export function documentIdOf(source: string): string {
  return source
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/[^A-Za-z0-9._/-]/g, '-')
    .slice(0, 200);
}

/** Submits the documents as DocumentSubmitted events, waits for the researcher, and reads back each outcome. */
export async function addKnowledge(
  runtime: LocalRuntime,
  files: readonly KnowledgeFile[],
  timeoutMs = 600_000,
): Promise<AddedDocument[]> {
  const before = new Map<string, string | undefined>();
  for (const file of files) before.set(file.documentId, (await getDocument(runtime.db, file.documentId))?.contentHash);
  const submittedAt = new Date().toISOString();
  for (const file of files) {
    const large = new TextEncoder().encode(file.content).length > MAX_INLINE_DOCUMENT_BYTES;
    await runtime.publish([
      {
        detailType: 'DocumentSubmitted',
        source: 'alex.cli',
        detail: {
          version: 1,
          documentId: file.documentId,
          source: file.source,
          format: file.format,
          ...(large ? { contentRef: await checkIn(runtime.payloads, file.content) } : { content: file.content }),
          submittedAt,
        },
      },
    ]);
  }
  await runtime.idle(timeoutMs);
  const outcomes: AddedDocument[] = [];
  for (const file of files) {
    const stored = await getDocument(runtime.db, file.documentId);
    const previous = before.get(file.documentId);
    const outcome =
      stored?.contentHash !== file.contentHash
        ? 'failed'
        : previous === file.contentHash
          ? 'unchanged'
          : previous === undefined
            ? 'added'
            : 'replaced';
    outcomes.push({
      documentId: file.documentId,
      title: stored?.title ?? file.source,
      outcome,
      passages: stored?.contentHash === file.contentHash ? stored.passageCount : 0,
    });
  }
  return outcomes;
}
