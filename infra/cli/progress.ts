/** One human line per job event, for the live progress of `alex analyze`. */
import type { EventEnvelope } from '#events/envelope.ts';

export function describeProgress(envelope: EventEnvelope): string | undefined {
  const detail = envelope.detail as Record<string, unknown>;
  switch (envelope['detail-type']) {
    case 'ClassificationRequested': {
      const instruments = (detail.instruments as Array<{ symbol: string }>) ?? [];
      return `classifying   ${instruments.length} instrument(s) not in the database: ${instruments.map((i) => i.symbol).join(', ')}`;
    }
    case 'InstrumentsClassified': {
      const instruments = (detail.instruments as Array<{ symbol: string; source: string }>) ?? [];
      return `classified    ${instruments.map((i) => `${i.symbol} (${i.source})`).join(', ')}`;
    }
    case 'AnalysisPlanned':
      return `planned       tasks: ${(detail.tasks as string[]).join(', ')}`;
    case 'SpecialistCompleted':
      return `${String(detail.task).padEnd(13)} done in ${String(detail.durationMs)} ms`;
    case 'SpecialistFailed':
      return `${String(detail.task).padEnd(13)} FAILED: ${(detail.error as { message: string }).message}`;
    case 'AnalysisCompleted':
      return `aggregated    ${String(detail.status)}`;
    case 'AnalysisFailed':
      return `failed        ${String(detail.reason)}`;
    default:
      return undefined;
  }
}
