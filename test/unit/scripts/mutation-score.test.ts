/** The mutation score as Stryker defines it, from a report's files: worked out by hand. */
import { describe, expect, it } from 'vitest';
import { scoreOf } from '#scripts/mutation/score.ts';

const mutant = (status: string, line = 1, mutatorName = 'EqualityOperator') => ({
  status,
  mutatorName,
  location: { start: { line } },
});

describe('scoreOf', () => {
  it('counts killed and timed-out mutants over all that could have been killed', () => {
    const score = scoreOf({
      'a.ts': { mutants: [mutant('Killed'), mutant('Killed'), mutant('Timeout'), mutant('Survived', 7)] },
      'b.ts': { mutants: [mutant('NoCoverage', 3, 'StringLiteral'), mutant('CompileError'), mutant('Ignored')] },
    });
    // (2 killed + 1 timeout) / (2 + 1 + 1 survived + 1 uncovered) = 3/5; the other two count for nothing
    expect(score.score).toBe(60);
    expect(score).toMatchObject({ killed: 2, timeout: 1, survived: 1, noCoverage: 1, other: 2 });
    expect(score.survivors).toEqual(['a.ts:7 EqualityOperator', 'b.ts:3 StringLiteral']);
  });

  it('has no score without a mutant that could be killed', () => {
    expect(scoreOf({ 'a.ts': { mutants: [mutant('CompileError')] } }).score).toBeNaN();
  });
});
