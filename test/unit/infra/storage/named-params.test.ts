import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { bindNamedParams, compileNamedParams, splitStatements, tokenizeSql } from '#infra/storage/named-params.ts';
import { json, timestamp } from '#services/common/sql-database.ts';

describe('compileNamedParams', () => {
  it('numbers parameters in order of first use and reuses the number for a repeated name', () => {
    expect(compileNamedParams('UPDATE jobs SET status = :status WHERE id = :id::uuid AND status <> :status')).toEqual({
      text: 'UPDATE jobs SET status = $1 WHERE id = $2::uuid AND status <> $1',
      names: ['status', 'id'],
    });
  });

  it('leaves casts, literals, quoted identifiers, dollar quotes and comments alone', () => {
    const sql = `SELECT '{}'::jsonb, ':a', 'it''s :b', E'\\' :c', "col:d", $$ :e $$, $tag$ :f $tag$, x::text -- :g
      /* :h /* nested :i */ still :j */ , :k`;
    expect(compileNamedParams(sql)).toEqual({ text: sql.replace(':k', '$1'), names: ['k'] });
  });

  it('does not read an identifier containing $ as a dollar quote', () => {
    expect(compileNamedParams('SELECT a$b$ FROM t WHERE x = :x AND y = $b$').names).toEqual(['x']);
  });
});

describe('tokenizeSql', () => {
  it('separates code from literals and comments', () => {
    expect(tokenizeSql(`a 'b;' -- c\nd`)).toEqual([
      { kind: 'code', text: 'a ' },
      { kind: 'literal', text: "'b;'" },
      { kind: 'code', text: ' ' },
      { kind: 'comment', text: '-- c' },
      { kind: 'code', text: '\nd' },
    ]);
  });
});

describe('bindNamedParams', () => {
  it('returns the values in placeholder order, ignoring extras', () => {
    const at = timestamp('2026-11-21T09:30:00Z');
    expect(bindNamedParams(['b', 'a'], { a: 1, b: json([1]), c: 'unused' })).toEqual([json([1]), 1]);
    expect(bindNamedParams(['t'], { t: at })).toEqual([at]);
  });

  it('names the parameter when it is missing, undefined, not finite or not a valid date', () => {
    expect(() => bindNamedParams(['a'], {})).toThrow(
      new InvalidInputError('SQL parameter :a is missing: the statement uses :a; given none'),
    );
    expect(() => bindNamedParams(['a'], { a: undefined as never })).toThrow(
      'SQL parameter :a is undefined: pass null to store NULL',
    );
    expect(() => bindNamedParams(['a'], { a: Number.POSITIVE_INFINITY })).toThrow(
      'SQL parameter :a must be a finite number (got Infinity)',
    );
    expect(() => bindNamedParams(['a'], { a: timestamp('not a date') })).toThrow(
      'SQL parameter :a must be a valid date (got Invalid Date)',
    );
  });
});

describe('splitStatements', () => {
  it('splits on semicolons in code only and drops empty or comment-only statements', () => {
    const script = `-- header comment
CREATE TABLE a (note text DEFAULT 'x;y');
;
/* a; b */
CREATE INDEX a_note_idx ON a (note);
SELECT $$;$$, "semi;colon";
-- trailing comment; with a semicolon
`;
    expect(splitStatements(script)).toEqual([
      "-- header comment\nCREATE TABLE a (note text DEFAULT 'x;y')",
      '/* a; b */\nCREATE INDEX a_note_idx ON a (note)',
      'SELECT $$;$$, "semi;colon"',
    ]);
  });

  it('splits the real first migration into single CREATE statements', async () => {
    const { loadMigrations } = await import('#infra/storage/migrate.ts');
    const [init] = await loadMigrations();
    const statements = splitStatements(init!.sql);
    expect(statements.length).toBeGreaterThan(7);
    for (const statement of statements) expect(statement).toMatch(/^(?:\s*--[^\n]*\n)*\s*CREATE (?:TABLE|INDEX) /);
  });
});
