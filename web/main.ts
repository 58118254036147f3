/**
 * The dashboard: plain TypeScript modules bundled by esbuild, no framework (the whole app is a
 * few kilobytes; see docs/dashboard.md). Routes live in the URL fragment (#/portfolio,
 * #/analyses/<id>, #/compare/<a>/<b>), so the same static files work behind `alex serve` and
 * from S3 with no rewrite rules. Navigating away aborts whatever the last page was following.
 */
import { ApiProblem } from './api.ts';
import { h, show } from './dom.ts';
import { finishSignIn, isSignInReturn } from './oidc.ts';
import { currentSession, loadConfig, saveSession, signOut } from './session.ts';
import { analysisPage } from './views/analysis.ts';
import { comparePage, historyPage } from './views/history.ts';
import { portfolioPage } from './views/portfolio.ts';
import { signInPage } from './views/signin.ts';

let current: AbortController | undefined;

async function route(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  const config = await loadConfig();
  let problem: string | undefined;
  if (config.auth.kind === 'oidc' && isSignInReturn()) {
    try {
      saveSession(await finishSignIn(config.auth));
      history.replaceState(null, '', `${location.pathname}#/portfolio`);
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
  }
  const session = currentSession();
  renderHeader(session?.userId ?? null);
  const hash = location.hash;
  if (hash.startsWith('#signin=') || !session) {
    if (hash !== '#/signin' && !hash.startsWith('#signin='))
      history.replaceState(null, '', `${location.pathname}#/signin`);
    await signInPage(config, problem);
    return;
  }
  const parts = hash.replace(/^#\/?/, '').split('/');
  try {
    if (parts[0] === 'analyses' && parts[1]) await analysisPage(parts[1], controller.signal);
    else if (parts[0] === 'analyses') await historyPage();
    else if (parts[0] === 'compare' && parts[1] && parts[2]) await comparePage(parts[1], parts[2]);
    else await portfolioPage();
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiProblem && error.status === 401) return;
    show(
      'Problem',
      h('h1', {}, 'Something went wrong'),
      h('p', { class: 'banner banner-failed', role: 'alert' }, error instanceof Error ? error.message : String(error)),
    );
  }
}

function renderHeader(userId: string | null): void {
  const nav = document.getElementById('nav')!;
  nav.hidden = userId === null;
  for (const link of nav.querySelectorAll('a')) {
    const active = location.hash.startsWith(link.getAttribute('href')!);
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const who = document.getElementById('who')!;
  who.replaceChildren(
    ...(userId
      ? [
          h('span', {}, `Signed in as ${userId}`),
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => {
                signOut();
                location.hash = '#/signin';
              },
            },
            'Sign out',
          ),
        ]
      : []),
  );
}

document.getElementById('skip')?.addEventListener('click', (event) => {
  // The fragment holds the route, so the skip link moves focus itself instead of navigating.
  event.preventDefault();
  document.getElementById('main')?.focus();
});
window.addEventListener('hashchange', () => void route());
void route();
