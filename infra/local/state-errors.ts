/**
 * A state file that cannot be used as it is. The message is one line a user can act on: the
 * file, what is wrong with it, and how to recover. The CLI prints it with exit 1 and no stack.
 */
export class StateDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly recovery = 'run `alex doctor` to check the home, `alex doctor --repair` to repair what can be',
  ) {
    super(`${file}: ${problem}; ${recovery}`);
    this.name = 'StateDamagedError';
  }
}

/** One line from any error: its message, its cause's, and no `[object Object]`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause === undefined ? '' : ` (cause: ${describeError(error.cause)})`;
    return `${error.message || error.name}${cause}`;
  }
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
