/**
 * Text from user data (a name, a symbol, a reason) reaches the terminal escaped: control
 * characters (ESC sequences, BEL, carriage returns that overwrite a line) and bidirectional
 * overrides (which make text read differently than it is) are shown as `\uXXXX`, never obeyed.
 * Newlines and tabs pass, since the CLI's own multi-line output uses them.
 */

// C0 controls but \t and \n, DEL, C1 controls, and the bidirectional marks, embeddings,
// overrides and isolates (U+061C, U+200E-F, U+202A-E, U+2066-9).
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** An Io whose every line is escaped: wrap a command's io once, and user data cannot slip through. */
export function escapingIo<T extends { out: (text: string) => void; err: (text: string) => void }>(io: T): T {
  return {
    ...io,
    out: (text: string) => io.out(escapeForTerminal(text)),
    err: (text: string) => io.err(escapeForTerminal(text)),
  };
}
