/**
 * Model answers the loopback model servers give in end-to-end tests: a narrative with no figure
 * (nothing for the number check to refuse) and one classification, valid for any instrument.
 */
export const NARRATIVE = {
  executiveSummary: 'Your portfolio is broadly diversified across stocks and bonds.',
  portfolioComposition: 'Most of the money is in broad index funds.',
  diversification: 'No single company dominates the portfolio.',
  riskProfile: 'The mix leans toward growth, which suits a long horizon.',
  retirementReadiness: 'You are on a reasonable path toward retirement.',
  recommendationsIntro: 'The recommendations below follow from the figures above.',
  conclusion: 'Review the plan once a year.',
};
export const CLASSIFIED = {
  outcome: 'classified',
  instrumentType: 'mutual_fund',
  assetClass: { equity: 100 },
  regions: { north_america: 100 },
  sectors: { utilities: 100 },
  rationale: 'A fund of US companies; weights approximate.',
};
