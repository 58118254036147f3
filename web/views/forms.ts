/**
 * Form plumbing shared by the views: inputs are named by the API's field path
 * (`accounts[2].cash`), so each entry of a problem's `errors[]` lands beside its own input, with
 * aria-invalid and aria-describedby; entries with no input here go in a summary at the form's
 * top. Focus moves to the first problem, so a keyboard user is taken to what needs fixing.
 */
import { h } from '../dom.ts';

interface Problemish {
  detail?: string;
  errors: ReadonlyArray<{ field: string; message: string }>;
}

let counter = 0;

export function clearErrors(form: HTMLFormElement): void {
  for (const node of form.querySelectorAll('.error, .error-summary')) node.remove();
  for (const input of form.querySelectorAll('[aria-invalid]')) {
    input.removeAttribute('aria-invalid');
    const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.startsWith('err-'));
    if (ids.length > 0) input.setAttribute('aria-describedby', ids.join(' '));
    else input.removeAttribute('aria-describedby');
  }
}

/** Shows each problem beside its input (or in the summary); returns how many were placed beside inputs. */
export function fieldError(form: HTMLFormElement, problem: Problemish): number {
  clearErrors(form);
  const elsewhere: string[] = [];
  let placed = 0;
  let first: HTMLElement | null = null;
  const errors = problem.errors.length > 0 ? problem.errors : [{ field: '', message: problem.detail ?? 'failed' }];
  for (const error of errors) {
    const input = form.querySelector<HTMLElement>(`[name="${CSS.escape(error.field)}"]`);
    if (!input) {
      elsewhere.push(error.field ? `${error.field}: ${error.message}` : error.message);
      continue;
    }
    const id = `err-${++counter}`;
    const message = h('p', { class: 'error', id }, error.message);
    input.insertAdjacentElement('afterend', message);
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', `${input.getAttribute('aria-describedby') ?? ''} ${id}`.trim());
    first ??= input;
    placed++;
  }
  if (elsewhere.length > 0) {
    const summary = h(
      'div',
      { class: 'error-summary', role: 'alert', tabindex: '-1' },
      h('p', {}, h('strong', {}, 'Not saved:')),
      h('ul', {}, ...elsewhere.map((text) => h('li', {}, text))),
    );
    form.prepend(summary);
    first ??= summary;
  }
  first?.focus();
  return placed;
}

/** A labelled input named by its API path; `hint` is read out with it. */
export function field(
  name: string,
  label: string,
  value: string | number | undefined,
  options: { type?: string; hint?: string; required?: boolean; inputmode?: string; autocomplete?: string } = {},
): HTMLElement {
  const id = `f-${++counter}`;
  const hintId = options.hint ? `${id}-hint` : undefined;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    options.hint ? h('p', { class: 'hint', id: hintId }, options.hint) : null,
    h('input', {
      id,
      name,
      type: options.type ?? 'text',
      value: value === undefined ? '' : String(value),
      inputmode: options.inputmode,
      autocomplete: options.autocomplete ?? 'off',
      required: options.required,
      'aria-describedby': hintId,
    }),
  );
}

export function select(
  name: string,
  label: string,
  value: string,
  choices: ReadonlyArray<[string, string]>,
): HTMLElement {
  const id = `f-${++counter}`;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h(
      'select',
      { id, name },
      ...choices.map(([choice, text]) => h('option', { value: choice, selected: choice === value }, text)),
    ),
  );
}

export function valueOf(form: HTMLFormElement, name: string): string {
  const element = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  return element ? element.value.trim() : '';
}

/** A number when the text is one; the text itself otherwise, so the API names the mistake. */
export function numberOf(text: string): number | string | undefined {
  if (text === '') return undefined;
  const value = Number(text.replace(/[,\s$]/g, ''));
  return Number.isFinite(value) ? value : text;
}
