-- Alex schema, version 4: a user's scheduled analyses (GitHub issue 21). Numbered 0004 so it
-- never shares a name with the outbox's 0003; it depends on nothing after 0001.
-- expression and timezone are EventBridge Scheduler's (cron(...), rate(...), at(...); an IANA
-- zone). Locally `alex serve` fires them and records the latest slot fired; on AWS a Scheduler
-- schedule of the same id fires them, and last_slot stays empty.
-- Plain statements only (see 0001).

CREATE TABLE schedules (
  id           uuid PRIMARY KEY,
  user_id      text NOT NULL CHECK (user_id <> ''),
  expression   text NOT NULL CHECK (expression <> ''),
  timezone     text NOT NULL CHECK (timezone <> ''),
  tasks        jsonb CHECK (tasks IS NULL OR jsonb_typeof(tasks) = 'array'),
  -- A rate's first slot, and nothing fires before it.
  starts_at    timestamptz NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_slot    timestamptz,
  last_job_id  uuid
);

CREATE INDEX schedules_user_idx ON schedules (user_id, created_at);
