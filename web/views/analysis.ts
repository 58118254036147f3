/**
 * One analysis: while it runs, live progress per stage from the job's event stream (classifying,
 * planned, each specialist, aggregated); when it cannot finish, the reason and what to do; once
 * finished, the page the server renders (answer first, the report's charts with data tables,
 * recommendations, holdings, assumptions, appendix), inserted as it comes: it holds no script.
 */
import { call, followEvents, getJson, type ProgressEvent } from '../api.ts';
import { announce, download, h, show, when } from '../dom.ts';
import { FINISHED, type Job } from '../types.ts';

const TASK_LABELS: Record<string, string> = {
  report: 'Written report',
  charts: 'Charts',
  retirement: 'Retirement projection',
};

type StageState = 'waiting' | 'running' | 'done' | 'failed' | 'skipped';

interface Stage {
  id: string;
  label: string;
  state: StageState;
  note: string;
}

export async function analysisPage(jobId: string, signal: AbortSignal): Promise<void> {
  let job = await getJson<Job>(`/v1/analyses/${jobId}`);
  if (!FINISHED.includes(job.status)) job = await followProgress(job, signal);
  if (signal.aborted) return;
  if (job.status === 'failed') {
    showFailed(job);
    return;
  }
  await showAnalysis(job);
}

async function showAnalysis(job: Job): Promise<void> {
  const html = await (await call(`/v1/analyses/${job.jobId}/view.html`, { headers: { Accept: 'text/html' } })).text();
  const container = h('div', { class: 'analysis-view' });
  // The server's fragment: every piece of text in it is escaped there, and the CSP refuses any script.
  container.innerHTML = html;
  const heading = container.querySelector('h1');
  const tools = h(
    'div',
    { class: 'toolbar' },
    h('a', { href: '#/analyses', class: 'button secondary' }, 'All analyses'),
    h(
      'button',
      { type: 'button', class: 'secondary', onclick: () => void saveReport(job.jobId) },
      'Download the report (HTML)',
    ),
  );
  heading?.closest('header')?.after(tools);
  show(heading?.textContent ?? 'Analysis', ...container.childNodes);
}

async function saveReport(jobId: string): Promise<void> {
  const html = await (await call(`/v1/analyses/${jobId}/report.html`)).text();
  download(`alex-report-${jobId}.html`, 'text/html', html);
  announce('Report downloaded');
}

function stagesOf(job: Job): Stage[] {
  return [
    { id: 'classifying', label: 'Classifying instruments', state: 'waiting', note: '' },
    { id: 'planned', label: 'Planned', state: 'waiting', note: '' },
    ...job.tasks.map((task) => ({
      id: task,
      label: TASK_LABELS[task] ?? task,
      state: 'waiting' as StageState,
      note: '',
    })),
    { id: 'aggregated', label: 'Aggregated', state: 'waiting', note: '' },
  ];
}

/** Applies one event to the stages; returns what to announce, if anything. */
function apply(stages: Stage[], event: ProgressEvent): string | null {
  const stage = (id: string) => stages.find((s) => s.id === id);
  const set = (id: string, state: StageState, note: string) => {
    const s = stage(id);
    if (!s) return null;
    s.state = state;
    s.note = note;
    return `${s.label}: ${note || state}`;
  };
  switch (event.detailType) {
    case 'ClassificationRequested':
      return set('classifying', 'running', `${event.symbols?.length ?? 0} instrument(s) not in the reference data`);
    case 'InstrumentsClassified':
      return set('classifying', 'done', `classified ${(event.symbols ?? []).join(', ')}`);
    case 'AnalysisPlanned': {
      if (stage('classifying')?.state === 'waiting') set('classifying', 'skipped', 'every instrument is known');
      for (const s of stages) if (TASK_LABELS[s.id] && s.state === 'waiting') set(s.id, 'running', 'running');
      return set('planned', 'done', `tasks: ${((event as { tasks?: string[] }).tasks ?? []).join(', ')}`);
    }
    case 'SpecialistCompleted':
      return set(event.task ?? '', 'done', `done in ${event.durationMs ?? '?'} ms`);
    case 'SpecialistFailed':
      return set(event.task ?? '', 'failed', `failed: ${event.error ?? 'no reason given'}`);
    case 'AnalysisCompleted':
      return set('aggregated', 'done', event.status ?? 'completed');
    case 'AnalysisFailed':
      return set('aggregated', 'failed', `failed: ${event.reason ?? 'no reason given'}`);
    default:
      return null;
  }
}

function progressList(stages: Stage[]): HTMLElement {
  return h(
    'ol',
    { class: 'progress', id: 'progress' },
    ...stages.map((s) =>
      h(
        'li',
        { class: `stage stage-${s.state}`, 'data-stage': s.id },
        h('span', { class: 'stage-label' }, s.label),
        h('span', { class: 'stage-state' }, s.note || s.state),
      ),
    ),
  );
}

async function followProgress(job: Job, signal: AbortSignal): Promise<Job> {
  const stages = stagesOf(job);
  show(
    'Analysing',
    h('h1', {}, 'Analysing your portfolio'),
    h('p', { class: 'subtitle' }, `Job ${job.jobId}, requested ${when(job.requestedAt)}`),
    h(
      'section',
      { 'aria-labelledby': 'progress-heading' },
      h('h2', { id: 'progress-heading' }, 'Progress'),
      progressList(stages),
    ),
  );
  await followEvents(
    job.jobId,
    (event) => {
      const message = apply(stages, event);
      document.getElementById('progress')?.replaceWith(progressList(stages));
      if (message) announce(message);
    },
    signal,
  );
  // The stream ends at the final state; the job row may trail the final event by a moment.
  for (let i = 0; i < 30 && !signal.aborted; i++) {
    const now = await getJson<Job>(`/v1/analyses/${job.jobId}`);
    if (FINISHED.includes(now.status)) return now;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return getJson<Job>(`/v1/analyses/${job.jobId}`);
}

function showFailed(job: Job): void {
  show(
    'Analysis failed',
    h('h1', {}, 'This analysis could not finish'),
    h(
      'section',
      { class: 'banner banner-failed', role: 'alert' },
      h('p', {}, h('strong', {}, 'Reason: '), job.error ?? 'no reason was recorded'),
      h(
        'p',
        {},
        'What to do: fix what the reason names (usually a field of the portfolio), then press Analyse again. ',
        'A job refused as bad input is kept in a dead-letter queue with this reason: `alex dlq list` shows it, and `alex dlq redrive` retries it once the cause is fixed.',
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('a', { href: '#/portfolio', class: 'button' }, 'Back to the portfolio'),
      h('a', { href: '#/analyses', class: 'button secondary' }, 'All analyses'),
    ),
  );
}
