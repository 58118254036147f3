-- Alex schema, version 6: the researcher's knowledge base (GitHub issue 19). A document is kept
-- once per id with the SHA-256 of its normalised text, so adding it unchanged again is a no-op and
-- a changed one replaces its passages. Passages keep their text and offsets for lexical search and
-- citations; their vectors live in the vector store (pgvector tables made by the store locally,
-- S3 Vectors on AWS), whose identity table records the embedder each index was built with.

CREATE TABLE knowledge_documents (
  document_id    text PRIMARY KEY,
  source         text NOT NULL,
  title          text NOT NULL,
  doc_date       date,
  content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  passage_count  integer NOT NULL CHECK (passage_count > 0),
  chars          integer NOT NULL CHECK (chars > 0),
  added_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE knowledge_passages (
  passage_key    text PRIMARY KEY,
  document_id    text NOT NULL REFERENCES knowledge_documents (document_id) ON DELETE CASCADE,
  ordinal        integer NOT NULL CHECK (ordinal >= 0),
  start_offset   integer NOT NULL CHECK (start_offset >= 0),
  end_offset     integer NOT NULL,
  body           text NOT NULL,
  CHECK (end_offset > start_offset)
);

CREATE INDEX knowledge_passages_document_idx ON knowledge_passages (document_id, ordinal);

CREATE TABLE knowledge_vector_indexes (
  index_name     text PRIMARY KEY,
  embedder       text NOT NULL,
  dimension      integer NOT NULL CHECK (dimension > 0)
);
