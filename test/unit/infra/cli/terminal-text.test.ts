import { describe, expect, it } from 'vitest';
import { escapeForTerminal, escapingIo } from '#infra/cli/terminal-text.ts';

describe('terminal output of user data', () => {
  it('shows control characters and bidi overrides as \\uXXXX instead of obeying them', () => {
    expect(escapeForTerminal('Sam\u001b[2J\u0007 Rivera\u202Egnp.exe\r')).toBe(
      'Sam\\u001B[2J\\u0007 Rivera\\u202Egnp.exe\\u000D',
    );
    expect(escapeForTerminal('\u2066x\u2069 \u200F \u009B')).toBe('\\u2066x\\u2069 \\u200F \\u009B');
  });

  it('leaves newlines, tabs and ordinary text (accents, other scripts) alone, and JSON stays valid', () => {
    expect(escapeForTerminal('José Müller\t日本\n')).toBe('José Müller\t日本\n');
    const json = JSON.stringify({ name: 'a\u202Eb' });
    expect(JSON.parse(escapeForTerminal(json))).toEqual({ name: 'a\u202Eb' });
  });

  it('escapes every line an io writes', () => {
    const lines: string[] = [];
    const io = escapingIo({ out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) });
    io.out('a\u0007');
    io.err('b\u001b');
    expect(lines).toEqual(['a\\u0007', 'b\\u001B']);
  });
});
