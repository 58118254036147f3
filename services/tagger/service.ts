/** The tagger: classifies instruments for the planner or any other system. */
import { defineService } from '../common/declaration.ts';

export const tagger = defineService({
  name: 'tagger',
  source: 'alex.tagger',
  description: 'Classifies instruments from reference data, or with a model and a rationale.',
  rules: [
    {
      name: 'alex-tagger-classification-requested',
      description: 'Instruments to classify, from the planner or any other system',
      pattern: { 'detail-type': ['ClassificationRequested'] },
    },
  ],
  limits: { memoryMb: 512, timeoutSeconds: 120, maxConcurrency: 5 },
  needs: {
    database: {
      // Reads the job (getJob), reads and upserts classifications, records its model calls.
      // model_calls.id is an identity column: inserting needs no privilege on its sequence.
      grants: ['SELECT ON jobs', 'SELECT, INSERT, UPDATE ON instruments', 'INSERT ON model_calls'],
    },
    model: true,
  },
  publishes: ['InstrumentsClassified'],
});
