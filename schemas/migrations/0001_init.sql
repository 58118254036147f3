-- Alex schema, version 1.
-- Applied by infra/storage/migrate.ts on Aurora (through the Data API, one statement per call)
-- and on PGlite. Keep to plain statements separated by semicolons: no functions, DO blocks or
-- triggers. Services set updated_at themselves.
-- Money and quantities are numeric (exact); the storage adapters return them as numbers.

-- The owner of a portfolio. goals holds the Goals value from events/values.ts.
CREATE TABLE users (
  id          text PRIMARY KEY CHECK (id <> ''),
  name        text NOT NULL,
  birth_year  integer CHECK (birth_year BETWEEN 1900 AND 2100),
  goals       jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(goals) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  user_id  text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  id       text NOT NULL CHECK (id <> ''),
  name     text NOT NULL,
  type     text NOT NULL,
  cash     numeric NOT NULL DEFAULT 0 CHECK (cash >= 0),
  PRIMARY KEY (user_id, id)
);

-- price is the one given in the portfolio file, if any; the planner looks up the rest.
CREATE TABLE positions (
  user_id     text NOT NULL,
  account_id  text NOT NULL,
  symbol      text NOT NULL CHECK (symbol <> ''),
  name        text,
  quantity    numeric NOT NULL CHECK (quantity >= 0),
  price       numeric CHECK (price >= 0),
  PRIMARY KEY (user_id, account_id, symbol),
  FOREIGN KEY (user_id, account_id) REFERENCES accounts (user_id, id) ON DELETE CASCADE
);

-- Which portfolios hold an instrument, e.g. to refresh them after a reclassification.
CREATE INDEX positions_symbol_idx ON positions (symbol);

-- Instrument classifications (Classification in events/values.ts), shared by all users.
-- No foreign key from positions: a position may name an instrument not classified yet.
CREATE TABLE instruments (
  symbol           text PRIMARY KEY CHECK (symbol <> ''),
  name             text NOT NULL,
  instrument_type  text NOT NULL,
  asset_class      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(asset_class) = 'object'),
  regions          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(regions) = 'object'),
  sectors          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(sectors) = 'object'),
  source           text NOT NULL CHECK (source IN ('reference', 'model', 'portfolio', 'unclassified')),
  rationale        text NOT NULL DEFAULT '',
  sources          jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(sources) = 'array'),
  classified_at    timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One analysis request. No foreign key to users: another system may plan a job for a user
-- Alex has not stored, and the job row must still record what happened.
CREATE TABLE jobs (
  id            uuid PRIMARY KEY,
  user_id       text NOT NULL,
  status        text NOT NULL CHECK (status IN ('requested', 'planning', 'classifying', 'planned', 'completed', 'partial', 'failed')),
  tasks         jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(tasks) = 'array'),
  requested_at  timestamptz NOT NULL DEFAULT now(),
  planned_at    timestamptz,
  deadline      timestamptz,
  finished_at   timestamptz,
  error         text,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_requested_at_idx ON jobs (requested_at DESC);

CREATE INDEX jobs_user_requested_at_idx ON jobs (user_id, requested_at DESC);

-- Jobs still running, by deadline: what a deadline sweep reads.
CREATE INDEX jobs_open_deadline_idx ON jobs (deadline) WHERE status NOT IN ('completed', 'partial', 'failed');

-- The consolidated analysis, one row per job, written once by the aggregator.
CREATE TABLE analyses (
  job_id      uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
  user_id     text NOT NULL,
  status      text NOT NULL CHECK (status IN ('completed', 'partial', 'failed')),
  result      jsonb NOT NULL CHECK (jsonb_typeof(result) = 'object'),
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX analyses_user_created_at_idx ON analyses (user_id, created_at DESC);

-- Audit trail of language-model calls: hashes rather than text, so the trail can be kept
-- without keeping what the prompts contained. job_id is null for calls outside a job.
CREATE TABLE model_calls (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id           uuid,
  service          text NOT NULL,
  model            text NOT NULL,
  purpose          text NOT NULL,
  prompt_sha256    text NOT NULL CHECK (prompt_sha256 ~ '^[0-9a-f]{64}$'),
  response_sha256  text CHECK (response_sha256 ~ '^[0-9a-f]{64}$'),
  input_tokens     integer CHECK (input_tokens >= 0),
  output_tokens    integer CHECK (output_tokens >= 0),
  latency_ms       integer NOT NULL CHECK (latency_ms >= 0),
  verdicts         jsonb NOT NULL DEFAULT '[]'::jsonb,
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX model_calls_job_id_idx ON model_calls (job_id) WHERE job_id IS NOT NULL;

CREATE INDEX model_calls_created_at_idx ON model_calls (created_at);
