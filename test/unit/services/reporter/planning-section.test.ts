import { describe, expect, it } from 'vitest';
import { planningMarkdown } from '#services/reporter/planning-section.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

describe('the report’s retirement-planning tables', () => {
  const planning = projectRetirement(exampleSnapshot('retirement-planning.json'), { paths: 1_000, gridPaths: 200 })
    .planning!;
  const markdown = planningMarkdown(planning);

  it('shows both methods under each assumption set with the failing years and the 90% spending', () => {
    for (const scenario of planning.scenarios) {
      const failing = scenario.historical.failingRetirementYears;
      expect(markdown).toContain(
        `| ${scenario.label} | ${Math.round(scenario.monteCarlo.successProbability * 100)}% |`,
      );
      expect(markdown).toContain(failing.length === 0 ? '| none |' : failing.join(', '));
      expect(markdown).toContain(`$${scenario.spendingFor90Percent!.toLocaleString('en-US')}`);
    }
  });

  it('states the income, the tax table, the withdrawal order and the strategy', () => {
    expect(markdown).toContain(
      'Social Security (spouse, claimed at 65; full retirement age 67): $13,520 a year from age 67',
    );
    expect(markdown).toContain('accounts drawn taxable, then pre-tax, then Roth');
    expect(markdown).toContain('federal 2025 brackets');
    expect(markdown).toContain('Guyton–Klinger guardrails');
  });

  it('has a sensitivity row per retirement age, 60 to 64, and the spending path’s poor case', () => {
    for (const age of [60, 61, 62, 63, 64]) expect(markdown).toMatch(new RegExp(`\\n\\| ${age} \\| \\d+%`));
    expect(markdown).toContain('| Poor case |');
  });
});
