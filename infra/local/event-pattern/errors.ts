/**
 * The error a bad event pattern raises, worded like EventBridge's own
 * ("Event pattern is not valid. Reason: ...") and naming where in the pattern the problem is.
 */
import { formatPath, InvalidInputError } from '#events/errors.ts';

/**
 * A pattern EventBridge would refuse. It is an InvalidInputError, because retrying the same
 * pattern cannot help: the CLI prints it without a stack trace, as it does any bad input.
 */
export class InvalidEventPatternError extends InvalidInputError {
  constructor(
    /** Why the pattern is refused, without the path. */
    readonly reason: string,
    /** Where: `detail.state[0].numeric`, or `(root)` for the pattern itself. */
    readonly path: string,
  ) {
    super(`Event pattern is not valid. Reason: ${reason} at ${path}`);
    // The base class types `name` as its own literal, so the subclass can only set it at runtime.
    Object.defineProperty(this, 'name', { value: 'InvalidEventPatternError' });
  }
}

export type PatternPath = readonly (string | number)[];

export function describePath(path: PatternPath): string {
  return path.length === 0 ? '(root)' : formatPath(path).replace(/^\./, '');
}

export function invalid(path: PatternPath, reason: string): never {
  throw new InvalidEventPatternError(reason, describePath(path));
}
