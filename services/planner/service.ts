/** The planner: takes jobs, prices and classifies the portfolio, plans the specialists' tasks. */
import { defineService } from '../common/declaration.ts';

export const planner = defineService({
  name: 'planner',
  source: 'alex.planner',
  description: 'Validates a job, loads and prices the portfolio, asks for classification, plans the tasks.',
  rules: [
    {
      name: 'alex-planner-instruments-classified',
      description: "The tagger finished classifying a job's instruments: resume planning",
      pattern: { source: ['alex.tagger'], 'detail-type': ['InstrumentsClassified'] },
    },
  ],
  consumesJobs: true,
  limits: { memoryMb: 512, timeoutSeconds: 60, maxConcurrency: 10 },
  needs: {
    database: {
      // Reads portfolios (loadPortfolio) and classifications (loadClassifications); creates,
      // advances and reopens jobs (job-store.ts). reopenJob checks that no analysis exists, which
      // needs to see analyses.job_id and nothing else of the analysis.
      grants: [
        'SELECT ON users, accounts, positions, instruments',
        'SELECT, INSERT, UPDATE ON jobs',
        'SELECT (job_id) ON analyses',
        // Stores a snapshot too large for AnalysisPlanned (claim check); it never reads one back.
        'INSERT ON payloads',
      ],
    },
    deadlines: true,
    prices: true,
  },
  publishes: ['ClassificationRequested', 'AnalysisPlanned', 'AnalysisFailed', 'AnalysisDeadlineReached'],
});
