/**
 * SQL text handling shared by both storage adapters and the migrator: `:name` parameters become
 * `$n` placeholders for PGlite (the Data API binds names itself but gets the same validation), and
 * migration files split into single statements because the Data API runs one statement per call.
 *
 * Both need to know what is SQL code and what is not, so a small lexer separates code from string
 * literals, quoted identifiers, dollar-quoted bodies and comments: a `:name` or `;` inside those
 * is text, not syntax.
 *
 * Known limit: an array slice written without spaces (`arr[1:n]`) reads as the parameter `:n`;
 * write `arr[1 : n]`.
 */
import { InvalidInputError } from '#events/errors.ts';
import { isJsonParam, isTimestampParam, type SqlParam, type SqlParams } from '#services/common/sql-database.ts';

export interface SqlToken {
  /** `code` is SQL syntax; everything else is content the database reads literally. */
  readonly kind: 'code' | 'literal' | 'comment';
  readonly text: string;
}

const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/;

/** Splits PostgreSQL text into code, literals and comments. Unterminated quotes run to the end. */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let code = '';
  let i = 0;
  const push = (kind: SqlToken['kind'], end: number) => {
    if (code) tokens.push({ kind: 'code', text: code });
    code = '';
    tokens.push({ kind, text: sql.slice(i, end) });
    i = end;
  };
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    const prev = i > 0 ? sql[i - 1]! : '';
    if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push('comment', newline === -1 ? sql.length : newline);
    } else if (ch === '/' && next === '*') {
      push('comment', blockCommentEnd(sql, i));
    } else if (ch === "'") {
      // E'...' strings take backslash escapes; the E is already in `code` and stays there.
      const escapes = /[eE]/.test(prev) && !IDENTIFIER_CHAR.test(sql[i - 2] ?? '');
      push('literal', quotedEnd(sql, i, "'", escapes));
    } else if (ch === '"') {
      push('literal', quotedEnd(sql, i, '"', false));
    } else if (ch === '$' && !IDENTIFIER_CHAR.test(prev) && DOLLAR_TAG.test(sql.slice(i, i + 64))) {
      const tag = DOLLAR_TAG.exec(sql.slice(i, i + 64))![0];
      const close = sql.indexOf(tag, i + tag.length);
      push('literal', close === -1 ? sql.length : close + tag.length);
    } else {
      code += ch;
      i += 1;
    }
  }
  if (code) tokens.push({ kind: 'code', text: code });
  return tokens;
}

function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const ch = sql[i];
    if (backslashEscapes && ch === '\\') i += 2;
    else if (ch === quote && sql[i + 1] === quote)
      i += 2; // doubled quote is an escaped quote
    else if (ch === quote) return i + 1;
    else i += 1;
  }
  return sql.length;
}

/** PostgreSQL block comments nest. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

// `::` is matched first so that the colons of a cast are never read as a parameter.
const PARAMETER = /::|:([A-Za-z_][A-Za-z0-9_]*)/g;

export interface CompiledSql {
  /** The statement with `$1`, `$2`, ... in place of the names. */
  readonly text: string;
  /** Parameter names in placeholder order: `names[0]` is `$1`. A repeated name reuses its number. */
  readonly names: readonly string[];
}

export function compileNamedParams(sql: string): CompiledSql {
  const names: string[] = [];
  const text = tokenizeSql(sql)
    .map((token) =>
      token.kind !== 'code'
        ? token.text
        : token.text.replace(PARAMETER, (match, name: string | undefined) => {
            if (name === undefined) return match;
            let index = names.indexOf(name);
            if (index === -1) index = names.push(name) - 1;
            return `$${index + 1}`;
          }),
    )
    .join('');
  return { text, names };
}

/** The distinct `:name` parameters a statement uses, in order of first use. */
export function parameterNames(sql: string): string[] {
  return [...compileNamedParams(sql).names];
}

/**
 * The values for `names`, in order, checked: every name must be given (null for NULL), numbers
 * finite, timestamps valid dates. Extra entries in `params` are ignored, so callers may pass one
 * object to several statements.
 */
export function bindNamedParams(names: readonly string[], params: SqlParams = {}): SqlParam[] {
  return names.map((name) => {
    if (!Object.hasOwn(params, name)) {
      const given = Object.keys(params);
      throw new InvalidInputError(
        `SQL parameter :${name} is missing: the statement uses ${names.map((n) => `:${n}`).join(', ')}; ` +
          `given ${given.length ? given.join(', ') : 'none'}`,
      );
    }
    const value = params[name];
    if (value === undefined) {
      throw new InvalidInputError(`SQL parameter :${name} is undefined: pass null to store NULL`);
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new InvalidInputError(`SQL parameter :${name} must be a finite number (got ${value})`);
    }
    if (isTimestampParam(value) && !(value.value instanceof Date && Number.isFinite(value.value.getTime()))) {
      throw new InvalidInputError(`SQL parameter :${name} must be a valid date (got ${String(value.value)})`);
    }
    if (isJsonParam(value) && value.value === undefined) {
      throw new InvalidInputError(`SQL parameter :${name} is json(undefined): pass null to store NULL`);
    }
    return value;
  });
}

/** Splits a script into single statements on `;` outside literals and comments; drops empty ones. */
export function splitStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let hasCode = false;
  const finish = () => {
    if (hasCode) statements.push(current.trim());
    current = '';
    hasCode = false;
  };
  for (const token of tokenizeSql(script)) {
    if (token.kind !== 'code') {
      current += token.text;
      if (token.kind === 'literal') hasCode = true;
      continue;
    }
    const parts = token.text.split(';');
    parts.forEach((part, index) => {
      if (index > 0) finish();
      current += part;
      if (part.trim()) hasCode = true;
    });
  }
  finish();
  return statements;
}
