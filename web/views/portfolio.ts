/**
 * The portfolio: household and goals, accounts with their positions and values, and forms to
 * add, edit and remove each. Every change is the whole portfolio PUT to the API, which validates
 * it as it validates a file; its field errors are shown beside the inputs (forms.ts). Import
 * sends a JSON file the same way; export downloads what is stored.
 */
import { ApiProblem, call, getJson, sendJson } from '../api.ts';
import { announce, download, h, show, usd } from '../dom.ts';
import { ACCOUNT_TYPES, type Account, type Job, type Portfolio } from '../types.ts';
import { clearErrors, fieldError } from './forms.ts';
import {
  accountFields,
  accountOf,
  householdFields,
  householdOf,
  positionFields,
  positionOf,
} from './portfolio-fields.ts';

export async function portfolioPage(): Promise<void> {
  let portfolio: Portfolio | null;
  try {
    portfolio = await getJson<Portfolio>('/v1/portfolio');
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status !== 404) throw error;
    portfolio = null;
  }
  render(portfolio);
}

function render(portfolio: Portfolio | null): void {
  if (!portfolio) {
    show(
      'Portfolio',
      h('h1', {}, 'Your portfolio'),
      h('p', {}, 'No portfolio stored yet. Start one here, or import a file.'),
      importForm(),
      createForm(),
    );
    return;
  }
  const total = portfolio.accounts.reduce((sum, account) => sum + accountValue(portfolio, account), 0);
  show(
    'Portfolio',
    h('h1', {}, `Portfolio of ${portfolio.user.name}`),
    h(
      'p',
      { class: 'subtitle' },
      `Total value ${usd.format(total)} in ${portfolio.accounts.length} account(s), ${portfolio.positions.length} position(s).`,
    ),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        { type: 'button', id: 'analyse', onclick: (event) => void analyse(event.currentTarget as HTMLButtonElement) },
        'Analyse',
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => exportPortfolio(portfolio) }, 'Export JSON'),
    ),
    h('div', { id: 'page-problem' }),
    h(
      'section',
      { 'aria-labelledby': 'accounts-heading' },
      h('h2', { id: 'accounts-heading' }, 'Accounts and positions'),
      ...portfolio.accounts.map((account) => accountCard(portfolio, account)),
    ),
    h('div', { id: 'editor' }),
    addAccountForm(portfolio),
    addPositionForm(portfolio),
    householdForm(portfolio),
    importForm(),
  );
}

function accountValue(portfolio: Portfolio, account: Account): number {
  return portfolio.positions
    .filter((position) => position.account === account.id)
    .reduce((sum, position) => sum + position.quantity * (position.price ?? 0), account.cash);
}

function accountCard(portfolio: Portfolio, account: Account): HTMLElement {
  const index = portfolio.accounts.indexOf(account);
  const type = ACCOUNT_TYPES.find(([id]) => id === account.type)?.[1] ?? account.type;
  const rows = portfolio.positions
    .map((position, positionIndex) => ({ position, positionIndex }))
    .filter(({ position }) => position.account === account.id)
    .map(({ position, positionIndex }) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, position.symbol),
        h('td', {}, position.name ?? ''),
        h('td', { class: 'number' }, position.quantity.toLocaleString('en-US')),
        h(
          'td',
          { class: 'number' },
          position.price === undefined ? 'unpriced' : `$${position.price.toLocaleString('en-US')}`,
        ),
        h(
          'td',
          { class: 'number' },
          position.price === undefined ? '–' : usd.format(position.quantity * position.price),
        ),
        h(
          'td',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              onclick: () => editPosition(portfolio, positionIndex),
              'aria-label': `Edit ${position.symbol} in ${account.name}`,
            },
            'Edit',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'link danger',
              onclick: () => void removePosition(portfolio, positionIndex),
              'aria-label': `Remove ${position.symbol} from ${account.name}`,
            },
            'Remove',
          ),
        ),
      ),
    );
  return h(
    'article',
    { class: 'card account', 'aria-labelledby': `account-${index}` },
    h(
      'h3',
      { id: `account-${index}` },
      `${account.name} `,
      h('span', { class: 'muted' }, `${type} · ${usd.format(accountValue(portfolio, account))}`),
    ),
    h('p', {}, `Cash ${usd.format(account.cash)}`),
    rows.length > 0
      ? h(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': `Positions in ${account.name}` },
          h(
            'table',
            {},
            h('caption', { class: 'visually-hidden' }, `Positions in ${account.name}`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Symbol', 'Name', 'Quantity', 'Price', 'Value', 'Actions'].map((text, i) =>
                  h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'number' : undefined }, text),
                ),
              ),
            ),
            h('tbody', {}, ...rows),
          ),
        )
      : h('p', { class: 'muted' }, 'No positions in this account.'),
    h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        { type: 'button', class: 'secondary', onclick: () => editAccount(portfolio, index) },
        `Edit account ${account.name}`,
      ),
      h(
        'button',
        { type: 'button', class: 'secondary danger', onclick: () => void removeAccount(portfolio, index) },
        `Remove account ${account.name}`,
      ),
    ),
  );
}

/** PUTs the changed portfolio; on a problem the form shows each field's message and nothing changes. */
async function save(next: Portfolio, form: HTMLFormElement): Promise<void> {
  clearErrors(form);
  try {
    const stored = await sendJson<Portfolio>('PUT', '/v1/portfolio', next);
    render(stored);
    announce('Portfolio saved');
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error;
    fieldError(form, error);
  }
}

function formSection(
  id: string,
  title: string,
  fields: HTMLElement[],
  submit: string,
  onSubmit: (form: HTMLFormElement) => void,
  cancel?: () => void,
): HTMLFormElement {
  const form = h(
    'form',
    { novalidate: true, class: 'card', 'aria-labelledby': id },
    h('h2', { id }, title),
    h('div', { class: 'fields' }, ...fields),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'submit' }, submit),
      cancel ? h('button', { type: 'button', class: 'secondary', onclick: cancel }, 'Cancel') : null,
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onSubmit(form);
  });
  return form;
}

function createForm(): HTMLFormElement {
  return formSection(
    'create-heading',
    'Start your portfolio',
    [...householdFields(null), ...accountFields(0)],
    'Save portfolio',
    (form) => void save({ ...householdOf(form, null), accounts: [accountOf(form, 0)], positions: [] }, form),
  );
}

function householdForm(p: Portfolio): HTMLFormElement {
  return formSection(
    'household-heading',
    'Household and goals',
    householdFields(p),
    'Save household and goals',
    (form) => void save({ ...p, ...householdOf(form, p) }, form),
  );
}

function addAccountForm(p: Portfolio): HTMLFormElement {
  const index = p.accounts.length;
  return formSection(
    'add-account-heading',
    'Add an account',
    accountFields(index),
    'Add account',
    (form) => void save({ ...p, accounts: [...p.accounts, accountOf(form, index)] }, form),
  );
}

function addPositionForm(p: Portfolio): HTMLFormElement {
  const index = p.positions.length;
  return formSection(
    'add-position-heading',
    'Add a position',
    positionFields(index, p.accounts),
    'Add position',
    (form) => void save({ ...p, positions: [...p.positions, positionOf(form, index)] }, form),
  );
}

function openEditor(form: HTMLFormElement): void {
  const editor = document.getElementById('editor')!;
  editor.replaceChildren(form);
  form.querySelector<HTMLElement>('input, select')?.focus();
}

function closeEditor(): void {
  document.getElementById('editor')?.replaceChildren();
  document.getElementById('analyse')?.focus();
}

function editAccount(p: Portfolio, index: number): void {
  const account = p.accounts[index]!;
  openEditor(
    formSection(
      'edit-account-heading',
      `Edit account ${account.name}`,
      accountFields(index, account),
      'Save account',
      (form) => {
        const next = accountOf(form, index);
        // Positions follow their account when its id changes.
        const positions = p.positions.map((position) =>
          position.account === account.id ? { ...position, account: next.id } : position,
        );
        void save({ ...p, accounts: p.accounts.map((a, i) => (i === index ? next : a)), positions }, form);
      },
      closeEditor,
    ),
  );
}

function editPosition(p: Portfolio, index: number): void {
  const position = p.positions[index]!;
  openEditor(
    formSection(
      'edit-position-heading',
      `Edit position ${position.symbol}`,
      positionFields(index, p.accounts, position),
      'Save position',
      (form) =>
        void save({ ...p, positions: p.positions.map((q, i) => (i === index ? positionOf(form, index) : q)) }, form),
      closeEditor,
    ),
  );
}

async function removeAccount(p: Portfolio, index: number): Promise<void> {
  const account = p.accounts[index]!;
  if (!confirm(`Remove the account ${account.name} and its positions?`)) return;
  await saveFromPage({
    ...p,
    accounts: p.accounts.filter((_, i) => i !== index),
    positions: p.positions.filter((q) => q.account !== account.id),
  });
}

async function removePosition(p: Portfolio, index: number): Promise<void> {
  if (!confirm(`Remove ${p.positions[index]!.symbol}?`)) return;
  await saveFromPage({ ...p, positions: p.positions.filter((_, i) => i !== index) });
}

/** A change made by a button rather than a form: its problem is shown at the top of the page. */
async function saveFromPage(next: Portfolio): Promise<void> {
  const holder = document.getElementById('page-problem')!;
  const form = h('form', { novalidate: true });
  holder.replaceChildren(form);
  await save(next, form);
}

function exportPortfolio(p: Portfolio): void {
  download(`portfolio-${p.user.id}.json`, 'application/json', `${JSON.stringify(p, null, 2)}\n`);
  announce('Portfolio exported');
}

function importForm(): HTMLFormElement {
  const form = h(
    'form',
    { novalidate: true, class: 'card', 'aria-labelledby': 'import-heading' },
    h('h2', { id: 'import-heading' }, 'Import a portfolio file'),
    h(
      'p',
      { class: 'hint', id: 'import-hint' },
      'A JSON file in the portfolio-file format (see examples/portfolio.json). It replaces what is stored.',
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'import-file' }, 'Portfolio file'),
      h('input', {
        id: 'import-file',
        name: 'file',
        type: 'file',
        accept: 'application/json,.json',
        'aria-describedby': 'import-hint',
      }),
    ),
    h('button', { type: 'submit', class: 'secondary' }, 'Import'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void importFile(form);
  });
  return form;
}

async function importFile(form: HTMLFormElement): Promise<void> {
  const file = (form.elements.namedItem('file') as HTMLInputElement).files?.[0];
  if (!file) {
    fieldError(form, { errors: [{ field: 'file', message: 'choose a JSON file first' }] });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch (error) {
    fieldError(form, {
      errors: [{ field: 'file', message: `${file.name} is not valid JSON: ${(error as Error).message}` }],
    });
    return;
  }
  await save(parsed as Portfolio, form);
}

async function analyse(button: HTMLButtonElement): Promise<void> {
  button.disabled = true;
  try {
    const response = await call('/v1/analyses', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
      body: '{}',
    });
    const job = (await response.json()) as Job;
    location.hash = `#/analyses/${job.jobId}`;
  } catch (error) {
    button.disabled = false;
    const holder = document.getElementById('page-problem')!;
    holder.replaceChildren(h('p', { class: 'banner banner-failed', role: 'alert' }, (error as Error).message));
  }
}
