/**
 * Errors that mean "the input is wrong": retrying cannot help, so consumers send the message
 * to its DLQ with this message, and the CLI prints it without a stack trace and exits 2.
 */
import type { z } from 'zod';

export class InvalidInputError extends Error {
  override name: string = 'InvalidInputError';
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
    throw new InvalidInputError(issues.length === 1 ? issues[0]! : `${issues[0]} (and ${issues.length - 1} more: ${issues.slice(1).join('; ')})`, issues);
  }
}

/** `accounts[2].cash` style path, as a person would write it. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('');
}
