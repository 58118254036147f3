-- Alex schema, version 3: the transactional outbox (GitHub issue 11).
-- An event that must leave exactly when a write commits is stored here in the same transaction
-- as the write; a relay (services/common/outbox.ts) publishes each row and then marks it sent.
-- A crash between commit and publish leaves the row unsent, and the next relay sends it; a crash
-- between publish and mark-sent sends it again with the same id, which consumers recognise.
-- Grants come from the services' declarations (needs.database.grants), not from this file.
-- Plain statements only (see 0001).

-- id: the event's deterministic id (events/event-id.ts), so the same event is stored once.
-- detail: the full, validated detail (version included); time: the envelope's time, kept so a
-- re-publish is the same event in every field a consumer reads.
CREATE TABLE outbox (
  id           uuid PRIMARY KEY,
  detail_type  text NOT NULL CHECK (detail_type <> ''),
  source       text NOT NULL CHECK (source <> ''),
  detail       jsonb NOT NULL CHECK (jsonb_typeof(detail) = 'object'),
  time         timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz
);

-- What a relay's sweep reads: the unsent rows, oldest first.
CREATE INDEX outbox_unsent_idx ON outbox (created_at) WHERE sent_at IS NULL;
