/**
 * The report's retirement-planning tables, written from the retirement result's planning view:
 * income and taxes, the withdrawal strategy and its spending path, both methods under each
 * assumption set with the failing historical years, the sensitivity table and the 90% spending.
 * Every figure is copied from the result, so report and projection agree.
 */
import { type RetirementPlanning, TAX_BUCKET_WORDS } from '#events/values.ts';

const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;
const pct = (x: number) => `${Math.round(x * 100)}%`;

export function planningMarkdown(planning: RetirementPlanning): string {
  const lines: string[] = ['### Retirement plan: income, taxes and spending', ''];
  lines.push(`- Withdrawal strategy: ${planning.strategy.description}.`);
  lines.push(
    `- Taxes: ${planning.taxes}; accounts drawn ${planning.withdrawalOrder.map((kind) => TAX_BUCKET_WORDS[kind]).join(', then ')}.`,
  );
  lines.push(
    `- Balances by tax treatment: taxable ${usd(planning.balances.taxable)} (cost basis ${usd(planning.balances.taxableBasis)}), pre-tax ${usd(planning.balances.preTax)}, Roth ${usd(planning.balances.roth)}; required distributions from age ${planning.rmdStartAge}.`,
  );
  for (const stream of planning.income)
    lines.push(`- ${stream.label}: ${usd(stream.annualAmount)} a year from age ${stream.startAge}.`);
  lines.push(
    '',
    '| Assumption set | Monte Carlo success | Historical success | Failing retirement years | Spending for 90% |',
  );
  lines.push('| --- | ---: | ---: | --- | ---: |');
  for (const s of planning.scenarios) {
    const failing = s.historical.failingRetirementYears;
    lines.push(
      `| ${s.label} | ${pct(s.monteCarlo.successProbability)} | ${pct(s.historical.successProbability)} of ${s.historical.periods} (${s.historical.firstRetirementYear}–${s.historical.lastRetirementYear}) | ${failing.length === 0 ? 'none' : failing.join(', ')} | ${s.spendingFor90Percent === null ? 'n/a' : usd(s.spendingFor90Percent)} |`,
    );
  }
  const lead = planning.scenarios[planning.scenarios.length - 1]!;
  const marks = lead.monteCarlo.spending.filter((_, i, all) => i % 5 === 0 || i === all.length - 1);
  lines.push('', `Spending after tax (${lead.label}, today’s money): median and poor case (1 path in 10).`, '');
  lines.push(`| Age | ${marks.map((m) => m.age).join(' | ')} |`, `| --- |${' ---: |'.repeat(marks.length)}`);
  lines.push(`| Median | ${marks.map((m) => usd(m.median)).join(' | ')} |`);
  lines.push(`| Poor case | ${marks.map((m) => usd(m.poor)).join(' | ')} |`);
  const table = lead.sensitivity;
  lines.push('', `Chance of success by retirement age and spending (${lead.label}, ${table.paths} paths).`, '');
  lines.push(
    `| Retire at | ${table.spendingChanges.map((c) => (c === 0 ? 'as planned' : `${c > 0 ? '+' : '−'}${Math.abs(Math.round(c * 100))}%`)).join(' | ')} |`,
    `| --- |${' ---: |'.repeat(table.spendingChanges.length)}`,
  );
  table.retirementAges.forEach((age, a) => {
    lines.push(`| ${age} | ${table.success[a]!.map(pct).join(' | ')} |`);
  });
  lines.push('', ...planning.notes.map((note) => `- ${note}`));
  return lines.join('\n');
}
