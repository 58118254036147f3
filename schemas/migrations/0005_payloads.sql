-- Alex schema, version 5: the claim-check store (GitHub issue 16). A detail too large for an
-- event (a snapshot of a portfolio at the file's limits) is stored here under the SHA-256 of its
-- text; the event carries the hash and the size, and its consumers fetch the text and check the
-- hash before they read it. Content-addressed, so storing the same payload twice is one row.
-- Writers are granted INSERT and readers SELECT (needs.database.grants). Plain statements only.

CREATE TABLE payloads (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  body        text NOT NULL,
  bytes       integer NOT NULL CHECK (bytes > 0),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payloads_created_at_idx ON payloads (created_at);
