/**
 * Errors by what the caller must do. Never retry (NonRetryableError, with a `code`): a poison
 * message (InvalidInputError) goes to its DLQ with its reason; a domain refusal (DomainRefusal)
 * fails the task with its code. Retry later (RetryableError): throttling, a transient fault. Any
 * other error, a fault in vendored data included, is retried and then alarmed, never blamed on
 * the user. The CLI prints a non-retryable error without a stack trace and exits 2.
 */
import type { z } from 'zod';

/** Retrying cannot help; `code` says why, in a word a program can branch on. */
export abstract class NonRetryableError extends Error {
  abstract readonly code: string;
}

/** The input is malformed or breaks a rule: the message names the path, the problem and the fix. */
export class InvalidInputError extends NonRetryableError {
  override name: string = 'InvalidInputError';
  readonly code: string = 'InvalidInput';
  constructor(
    message: string,
    readonly issues: readonly string[] = [message],
  ) {
    super(message);
  }

  /** Parses with a zod schema; on failure names every offending field and why. */
  static parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((issue) => `${what}${formatPath(issue.path)}: ${issue.message}`);
    throw new InvalidInputError(
      issues.length === 1 ? issues[0]! : `${issues[0]} (and ${issues.length - 1} more: ${issues.slice(1).join('; ')})`,
      issues,
    );
  }
}

/**
 * A valid request the domain cannot serve (say, a portfolio with no priced position to report
 * on): a specialist announces SpecialistFailed with this `code`, such as `NoPricedPositions`.
 */
export class DomainRefusal extends NonRetryableError {
  override name = 'DomainRefusal';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Try again later: throttling or a transient fault. The record fails and the queue redelivers it. */
export class RetryableError extends Error {
  override name: string = 'RetryableError';
  readonly retryable = true;
}

/** `accounts[2].cash` style path, as a person would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

/**
 * The path to the first string (value or key) holding U+0000, or undefined. PostgreSQL text
 * cannot store that character, so input carrying one would fail at the database on every retry
 * instead of being refused once, clearly. Walks with its own stack: input may be nested deeply.
 */
export function pathToNulCharacter(value: unknown): PropertyKey[] | undefined {
  // Each entry links to its parent instead of copying the path, so deep input stays linear.
  interface Step {
    value: unknown;
    key?: PropertyKey;
    parent?: Step;
  }
  const pathOf = (step: Step | undefined, last?: PropertyKey): PropertyKey[] => {
    const path: PropertyKey[] = last === undefined ? [] : [last];
    for (let at = step; at?.parent; at = at.parent) path.unshift(at.key!);
    return path;
  };
  const pending: Step[] = [{ value }];
  while (pending.length > 0) {
    const step = pending.pop()!;
    const current = step.value;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return pathOf(step);
    } else if (Array.isArray(current)) {
      current.forEach((item, index) => pending.push({ value: item, key: index, parent: step }));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, item] of Object.entries(current)) {
        if (key.includes('\u0000')) return pathOf(step, key);
        pending.push({ value: item, key, parent: step });
      }
    }
  }
  return undefined;
}

export const NUL_CHARACTER_PROBLEM = 'contains a NUL character (U+0000), which cannot be stored; remove it';
