/**
 * The aggregator: tracks each job's completion and writes the consolidated analysis once. Its
 * queue also takes the jobs' deadlines (delayed messages), which it sends on when SQS's delay
 * limit delivered them early.
 */
import { defineService } from '../common/declaration.ts';

export const aggregator = defineService({
  name: 'aggregator',
  source: 'alex.aggregator',
  description: 'Tracks completion per job and writes the consolidated analysis exactly once.',
  rules: [
    {
      name: 'alex-aggregator-progress',
      // The classification steps only feed the job's timeline; the planner and tagger consume them.
      description: 'Planned jobs and specialist outcomes, for completion tracking, and classification steps',
      pattern: {
        source: [{ prefix: 'alex.' }],
        'detail-type': [
          'AnalysisPlanned',
          'SpecialistCompleted',
          'SpecialistFailed',
          'ClassificationRequested',
          'InstrumentsClassified',
        ],
      },
    },
  ],
  receivesDeadlines: true,
  limits: { memoryMb: 512, timeoutSeconds: 30, maxConcurrency: 10 },
  needs: {
    database: {
      // Reads and finishes jobs (inserting the row when another system planned the job), writes
      // the consolidated analysis once and the specialists' model calls with it. Only the
      // aggregator may write analyses (GitHub issue 4). Its announcements go through the outbox:
      // stored with the analysis, read and marked sent by its relay (GitHub issue 11).
      grants: [
        'SELECT, INSERT, UPDATE ON jobs',
        'SELECT, INSERT ON analyses',
        'INSERT ON model_calls',
        'SELECT, INSERT, UPDATE ON outbox',
        // Reads a snapshot that travelled by reference (claim check), never writes one.
        'SELECT ON payloads',
      ],
    },
    completionTable: true,
    deadlines: true,
    outboxSweep: true,
  },
  // Deadlines it sends on go through the scheduler, under the planner's source.
  publishes: ['AnalysisCompleted', 'AnalysisFailed'],
});
