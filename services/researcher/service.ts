/** The researcher: keeps the knowledge base the reporter cites (documents, passages, vectors). */
import { defineService } from '../common/declaration.ts';

export const researcher = defineService({
  name: 'researcher',
  source: 'alex.researcher',
  description: 'Splits submitted documents into passages, embeds and stores them for knowledge search.',
  rules: [
    {
      name: 'alex-researcher-document-submitted',
      description: 'Documents for the knowledge base, from the CLI or any other system',
      pattern: { 'detail-type': ['DocumentSubmitted'] },
    },
  ],
  // Embedding a large document on Bedrock is one request per passage: minutes, not seconds.
  limits: { memoryMb: 1024, timeoutSeconds: 300, maxConcurrency: 2 },
  needs: {
    database: {
      // Its catalogue (documents, passages, the embedder each vector index was built with), and
      // the claim-check store for documents too large to travel inline.
      grants: [
        'SELECT, INSERT, UPDATE, DELETE ON knowledge_documents, knowledge_passages',
        'SELECT, INSERT ON knowledge_vector_indexes',
        'SELECT ON payloads',
      ],
    },
    // On AWS its stack owns the S3 vector bucket and index, and only it may write them.
    knowledge: 'write',
  },
  publishes: [],
});
