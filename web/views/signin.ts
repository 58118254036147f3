/**
 * Sign in. Locally: pick a user who has a portfolio, or name a new one; the server mints a token
 * only for a same-origin POST carrying the code `alex serve` printed. With an OIDC issuer (AWS): a
 * button that starts the authorization-code flow (web/oidc.ts). With any issuer: paste a token
 * (for example from `alex token --user ID`).
 */
import { type ApiProblem, readProblem } from '../api.ts';
import { announce, h, show } from '../dom.ts';
import { type OidcAuth, startSignIn } from '../oidc.ts';
import { type DashboardConfig, type Session, saveSession, sessionFromToken, takeSignInCode } from '../session.ts';
import { fieldError } from './forms.ts';

/** `problem`: why the last sign-in failed (an OIDC answer that did not check out), shown first. */
export async function signInPage(config: DashboardConfig, problem?: string): Promise<void> {
  const code = config.auth.kind === 'local' ? takeSignInCode() : null;
  const sections: Node[] = [h('h1', {}, 'Sign in')];
  if (problem) sections.push(h('p', { class: 'banner banner-failed', role: 'alert' }, problem));
  if (code) {
    const users = await localUsers(code);
    if (users.length > 0)
      sections.push(
        h(
          'section',
          { 'aria-labelledby': 'pick-heading' },
          h('h2', { id: 'pick-heading' }, 'Pick a user'),
          h(
            'ul',
            { class: 'user-list' },
            ...users.map((user) =>
              h(
                'li',
                {},
                h(
                  'button',
                  { type: 'button', class: 'secondary', onclick: () => void localSignIn(code, user.id) },
                  `${user.name} (${user.id})`,
                ),
              ),
            ),
          ),
        ),
      );
    sections.push(newUserForm(code));
  } else if (config.auth.kind === 'oidc') {
    sections.push(oidcSection(config.auth));
  } else if (config.auth.kind === 'local') {
    sections.push(
      h(
        'p',
        { class: 'banner' },
        'To sign in here, open the dashboard from the URL `alex serve` printed: it carries a sign-in code. Or paste a token below.',
      ),
    );
  }
  sections.push(tokenForm());
  show('Sign in', ...sections);
}

function oidcSection(auth: OidcAuth): HTMLElement {
  const status = h('p', { class: 'hint', role: 'status' });
  const button = h('button', { type: 'button' }, 'Sign in');
  button.addEventListener('click', () => {
    button.disabled = true;
    startSignIn(auth).catch((error: unknown) => {
      button.disabled = false;
      status.textContent = error instanceof Error ? error.message : String(error);
    });
  });
  return h(
    'section',
    { 'aria-labelledby': 'oidc-heading' },
    h('h2', { id: 'oidc-heading' }, `With ${new URL(auth.issuer).host}`),
    button,
    status,
  );
}

async function localUsers(code: string): Promise<Array<{ id: string; name: string }>> {
  const response = await localPost('local/users', { code });
  if (!response.ok) return [];
  return ((await response.json()) as { users: Array<{ id: string; name: string }> }).users;
}

function localPost(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Alex-Dashboard': '1' },
    body: JSON.stringify(body),
    credentials: 'omit',
  });
}

async function localSignIn(code: string, userId: string, form?: HTMLFormElement): Promise<void> {
  const response = await localPost('local/session', { code, userId });
  if (!response.ok) {
    const problem: ApiProblem = await readProblem(response);
    if (form) fieldError(form, problem);
    else announce(problem.detail);
    return;
  }
  signedIn((await response.json()) as Session);
}

function signedIn(session: Session): void {
  saveSession(session);
  announce(`Signed in as ${session.userId}`);
  location.hash = '#/portfolio';
}

function newUserForm(code: string): HTMLElement {
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'new-user-heading' },
    h('h2', { id: 'new-user-heading' }, 'Sign in as another user'),
    h('p', { class: 'hint', id: 'user-hint' }, 'A new user id starts with an empty portfolio.'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'userId' }, 'User id'),
      h('input', {
        id: 'userId',
        name: 'userId',
        autocomplete: 'username',
        'aria-describedby': 'user-hint',
        required: true,
      }),
    ),
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const userId = (form.elements.namedItem('userId') as HTMLInputElement).value.trim();
    void localSignIn(code, userId, form);
  });
  return form;
}

function tokenForm(): HTMLElement {
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'token-heading' },
    h('h2', { id: 'token-heading' }, 'Paste a token'),
    h('p', { class: 'hint', id: 'token-hint' }, 'For example the output of `alex token --user ID`.'),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'token' }, 'Bearer token'),
      h('textarea', { id: 'token', name: 'token', rows: '3', 'aria-describedby': 'token-hint', spellcheck: 'false' }),
    ),
    h('button', { type: 'submit', class: 'secondary' }, 'Use this token'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = (form.elements.namedItem('token') as HTMLTextAreaElement).value;
    const session = sessionFromToken(token);
    if (!session) {
      fieldError(form, { errors: [{ field: 'token', message: 'this is not a JWT with a subject and an expiry' }] });
      return;
    }
    signedIn(session);
  });
  return form;
}
