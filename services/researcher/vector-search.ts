/**
 * Knowledge search from the vector store alone, for a function without the catalogue (the
 * reporter on AWS): the query embedded, the nearest passages, quoted from the text each vector
 * carries in its metadata. Passages stored without text are skipped: they cannot be quoted.
 */
import { checkTopK, type Embedder, type KnowledgeHit, type KnowledgePort, type VectorStore } from './ports.ts';

export class VectorSearch implements KnowledgePort {
  constructor(
    private readonly embedder: Embedder,
    private readonly store: VectorStore,
  ) {}

  async search(query: string, topK: number): Promise<KnowledgeHit[]> {
    checkTopK(topK);
    if (query.trim() === '' || !(await this.store.identity())) return [];
    const [vector] = await this.embedder.embed([query], 'query');
    if (!vector?.some((value) => value !== 0)) return [];
    const matches = await this.store.query(vector, topK);
    return matches.flatMap(({ key, score, metadata }) => {
      const passage = Number(key.slice(key.lastIndexOf('#') + 1));
      if (metadata.text === undefined || !Number.isInteger(passage)) return [];
      return [
        {
          key,
          documentId: metadata.documentId,
          passage,
          title: metadata.title,
          source: metadata.source,
          ...(metadata.date ? { date: metadata.date } : {}),
          text: metadata.text,
          score,
        },
      ];
    });
  }
}
