/**
 * `alex knowledge add|list|remove|search`: the knowledge base the reporter cites. `add` submits
 * documents through the bus to the researcher (infra/local/knowledge.ts); `list` and `search`
 * read the home without starting the runtime; `remove` takes the home for writing.
 */
import { MAX_DOCUMENT_CHARS } from '#services/researcher/documents.ts';
import { removeDocument } from '#services/researcher/ingest.ts';
import { listDocuments } from '#services/researcher/knowledge-store.ts';
import { localResearch } from '#services/researcher/local.ts';
import { MAX_TOP_K } from '#services/researcher/ports.ts';
import type { SearchMode } from '#services/researcher/search.ts';
import { addKnowledge, collectKnowledgeFiles, MAX_FILE_BYTES, MAX_FILES } from '../../local/knowledge.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, type Io, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';
import { openForReading } from '../read-home.ts';

const USAGE = `Usage: alex knowledge add <file or folder>... [--home DIR] [--json]
       alex knowledge list [<id or folder>] [--home DIR] [--json]
       alex knowledge remove <id or folder>... [--home DIR]
       alex knowledge search "<query>" [--top N] [--mode hybrid|bm25|vector] [--home DIR] [--json]

add:     submits Markdown (.md), plain text (.txt) and HTML (.html) documents; a folder is searched
         recursively. Each is split into passages, embedded (offline-hashing-v1) and stored. A
         document's id is its path; adding it unchanged again changes nothing, changed replaces it.
         Limits: ${MAX_FILE_BYTES / 1024 / 1024} MiB and ${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters a document, ${MAX_FILES.toLocaleString('en-US')} documents an add.
list:    the documents, with title, date, passages and when they were added.
remove:  removes documents (an id, or a folder: everything under it) and their passages.
search:  the passages most relevant to the query: hybrid (BM25 and vectors, fused) by default.

  --top N          passages to show (1 to ${MAX_TOP_K}, default 5)
  --mode MODE      hybrid, bm25 or vector
  --home DIR       state folder (default ./.alex, or ALEX_HOME)
  --json           print JSON`;

export const knowledgeCommand: Command = {
  name: 'knowledge',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { home: { type: 'string' }, json: { type: 'boolean' }, top: { type: 'string' }, mode: { type: 'string' } },
      this,
    );
    const [action, ...args] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.badInput;
    }
    const json = values.json === true;
    if (action === 'add') {
      if (args.length === 0) throw new UsageError(`knowledge add: name at least one file or folder\n\n${USAGE}`);
      // Every file is read and checked before anything is submitted: one bad file, nothing sent.
      const files = collectKnowledgeFiles(args, io.cwd);
      return add(files, stateHome(values.home, io), json, io);
    }
    if (action === 'list') {
      if (args.length > 1) throw new UsageError(`knowledge list takes at most one id or folder\n\n${USAGE}`);
      return list(args[0], stateHome(values.home, io), json, io);
    }
    if (action === 'remove') {
      if (args.length === 0) throw new UsageError(`knowledge remove: name a document id or folder\n\n${USAGE}`);
      return remove(args, stateHome(values.home, io), io);
    }
    if (action === 'search') {
      if (args.length !== 1 || args[0]!.trim() === '')
        throw new UsageError(`knowledge search: give one query, in quotes\n\n${USAGE}`);
      return search(args[0]!, topOf(values.top), modeOf(values.mode), stateHome(values.home, io), json, io);
    }
    throw new UsageError(`unknown knowledge action "${action}"\n\n${USAGE}`);
  },
};

async function add(files: Parameters<typeof addKnowledge>[1], home: string, json: boolean, io: Io): Promise<number> {
  const runtime = await LocalRuntime.start({ home, ...runtimeOptions('knowledge add', io) });
  try {
    const outcomes = await addKnowledge(runtime, files);
    if (json) io.out(JSON.stringify(outcomes, null, 2));
    else {
      for (const o of outcomes) {
        const passages = o.outcome === 'failed' ? 'see alex dlq list' : `${o.passages} passage(s)`;
        io.out(`${o.outcome.padEnd(9)} ${o.documentId}  ${passages}  ${o.title}`);
      }
      const count = (what: string) => outcomes.filter((o) => o.outcome === what).length;
      io.out(
        `${count('added')} added, ${count('replaced')} replaced, ${count('unchanged')} unchanged, ${count('failed')} failed`,
      );
    }
    return outcomes.some((o) => o.outcome === 'failed') ? EXIT.internal : EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function list(prefix: string | undefined, home: string, json: boolean, io: Io): Promise<number> {
  const { state } = await openForReading(home, 'knowledge list', io);
  if (!state) return EXIT.badInput;
  try {
    const documents = await listDocuments(state.db, prefix?.replace(/\/+$/, ''));
    if (json) io.out(JSON.stringify(documents, null, 2));
    else if (documents.length === 0)
      io.out('No documents in the knowledge base. Add some: alex knowledge add <folder>');
    else {
      for (const d of documents) {
        io.out(`${d.documentId}  ${d.passageCount} passage(s)  ${d.date ?? 'undated'}  added ${d.addedAt}  ${d.title}`);
      }
    }
    return EXIT.ok;
  } finally {
    await state.close();
  }
}

async function remove(targets: readonly string[], home: string, io: Io): Promise<number> {
  const runtime = await LocalRuntime.start({ home, ...runtimeOptions('knowledge remove', io) });
  try {
    const research = runtime.research;
    const ports = { db: runtime.db, embedder: research.vectors.embedder, store: await research.vectors.store() };
    let removed = 0;
    for (const target of targets) {
      const documents = await listDocuments(runtime.db, target.replace(/\/+$/, ''));
      if (documents.length === 0) {
        io.err(`alex: knowledge remove: no document is "${target}" or lies under it (see alex knowledge list)`);
        return EXIT.badInput;
      }
      for (const document of documents) {
        await removeDocument(ports, document.documentId);
        io.out(`removed   ${document.documentId}  ${document.title}`);
        removed++;
      }
    }
    io.out(`${removed} document(s) removed`);
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

async function search(query: string, top: number, mode: SearchMode, home: string, json: boolean, io: Io) {
  const { state } = await openForReading(home, 'knowledge search', io);
  if (!state) return EXIT.badInput;
  try {
    const hits = await localResearch(state.db).knowledge.search(query, top, mode);
    if (json) io.out(JSON.stringify(hits, null, 2));
    else if (hits.length === 0) io.out('No passage matches. (Is anything added? alex knowledge list)');
    else {
      hits.forEach((hit, i) => {
        io.out(`${i + 1}. ${hit.title}  (${hit.source}, passage ${hit.passage + 1}, score ${hit.score.toFixed(4)})`);
        const text = hit.text.replace(/\s+/g, ' ');
        io.out(`   ${text.length > 300 ? `${text.slice(0, 297)}...` : text}`);
      });
    }
    return EXIT.ok;
  } finally {
    await state.close();
  }
}

function topOf(value: string | undefined): number {
  if (value === undefined) return 5;
  const top = Number(value);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP_K)
    throw new UsageError(`--top: must be a whole number from 1 to ${MAX_TOP_K}, not "${value}"`);
  return top;
}

function modeOf(value: string | undefined): SearchMode {
  if (value === undefined) return 'hybrid';
  if (value === 'hybrid' || value === 'bm25' || value === 'vector') return value;
  throw new UsageError(`--mode: must be hybrid, bm25 or vector, not "${value}"`);
}
