/**
 * Words as both retrievers see them: NFKD-folded to lower-case ASCII letters and digits, English
 * stop words dropped, and a light suffix stripper (plurals, -ing, -ed, -ly) so "withdrawals" and
 * "withdrawal" meet. Deliberately small and predictable: the evaluation set (test/fixtures/retrieval)
 * judges whether it helps, not intuition.
 */

const STOP_WORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between ' +
    'both but by can could did do does doing down during each few for from further had has have having he her ' +
    'here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not ' +
    'now of off on once only or other our ours ourselves out over own same she should so some such than that the ' +
    'their theirs them themselves then there these they this those through to too under until up very was we ' +
    'were what when where which while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

/** Lower-case words of letters and digits, accents folded (é → e); no stop-word removal. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  );
}

/** The terms both retrievers index: words without stop words, suffixes stripped. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    if (STOP_WORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

/** A light English suffix stripper: enough to join plurals and simple inflections, never below 3 letters. */
export function stem(word: string): string {
  if (word.length <= 3 || /^\d/.test(word)) return word;
  const rules: Array<[RegExp, string]> = [
    [/ies$/, 'y'],
    [/sses$/, 'ss'],
    [/([^su])s$/, '$1'],
    [/ing$/, ''],
    [/ed$/, ''],
    [/ly$/, ''],
  ];
  for (const [suffix, replacement] of rules) {
    if (!suffix.test(word)) continue;
    const stemmed = word.replace(suffix, replacement);
    return stemmed.length >= 3 ? stemmed : word;
  }
  return word;
}
