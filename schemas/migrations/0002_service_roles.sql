-- Alex schema, version 2: one group role per service that reaches the database (least privilege,
-- GitHub issue 4). Each role holds exactly what its service's SQL needs, so only the aggregator
-- can write the consolidated analysis. The deploy's migrator (infra/cdk/handlers/migrate-database.ts)
-- creates the LOGIN users the functions connect as and makes each a member of its group role;
-- locally the services run as PGlite's superuser and these roles are what the tests assume.
-- A later migration that adds a table or a statement a service runs must grant it here too.
-- Plain statements only (see 0001). Roles belong to the cluster, not the database: this file
-- assumes one Alex database per cluster.

CREATE ROLE alex_planner_role NOLOGIN;

CREATE ROLE alex_tagger_role NOLOGIN;

CREATE ROLE alex_aggregator_role NOLOGIN;

-- Planner: reads portfolios (loadPortfolio) and classifications (loadClassifications); creates,
-- advances and reopens jobs (job-store.ts). reopenJob checks that no analysis exists, which needs
-- to see analyses.job_id and nothing else of the analysis.
GRANT SELECT ON users, accounts, positions, instruments TO alex_planner_role;

GRANT SELECT, INSERT, UPDATE ON jobs TO alex_planner_role;

GRANT SELECT (job_id) ON analyses TO alex_planner_role;

-- Tagger: reads the job (getJob), reads and upserts classifications, records its model calls.
-- model_calls.id is an identity column: inserting needs no privilege on its sequence.
GRANT SELECT ON jobs TO alex_tagger_role;

GRANT SELECT, INSERT, UPDATE ON instruments TO alex_tagger_role;

GRANT INSERT ON model_calls TO alex_tagger_role;

-- Aggregator: reads and finishes jobs (inserting the row when another system planned the job),
-- writes the consolidated analysis once and the specialists' model calls with it.
GRANT SELECT, INSERT, UPDATE ON jobs TO alex_aggregator_role;

GRANT SELECT, INSERT ON analyses TO alex_aggregator_role;

GRANT INSERT ON model_calls TO alex_aggregator_role;
