/**
 * Theme matching measured on the labelled comments in test/fixtures/themes-labelled.jsonl (written for this,
 * in en, nl, sv and de, not taken from the lexicons): micro-averaged precision and recall over (comment,
 * theme) pairs, overall, on the held-out half ("test"; the lexicons were tuned on "dev" only) and per
 * language, with the comment's language guessed from its words (no locale given). Aim: ≥ 0.85 both.
 * Also how many comments a second one process themes.
 */
import { readFileSync } from 'node:fs';
import { buildLexicon } from '#shared/insights/themes/lexicon.ts';
import { themesOf } from '#shared/insights/themes/match.ts';

interface Labelled {
  lang: string;
  split: 'dev' | 'test';
  themes: string[];
  text: string;
}

const labelled: Labelled[] = readFileSync(
  new URL('../test/fixtures/themes-labelled.jsonl', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Labelled);

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Micro-averaged precision and recall of the matcher on some of the labelled comments. */
export const score = (rows: readonly Labelled[]) => {
  const lexicon = buildLexicon();
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const row of rows) {
    const found = new Set(themesOf(lexicon, row.text).themes);
    const wanted = new Set(row.themes);
    for (const theme of found)
      if (wanted.has(theme)) tp++;
      else fp++;
    for (const theme of wanted) if (!found.has(theme)) fn++;
  }
  return { precision: round3(tp / (tp + fp)), recall: round3(tp / (tp + fn)), comments: rows.length };
};

export default async () => {
  const all = score(labelled);
  const test = score(labelled.filter((r) => r.split === 'test'));
  const dev = score(labelled.filter((r) => r.split === 'dev'));
  const perLanguage = Object.fromEntries(
    ['en', 'nl', 'sv', 'de'].flatMap((lang) => {
      const s = score(labelled.filter((r) => r.lang === lang));
      return [
        [`precision_${lang}`, s.precision],
        [`recall_${lang}`, s.recall],
      ];
    }),
  );
  const lexicon = buildLexicon();
  const started = performance.now();
  let processed = 0;
  while (performance.now() - started < 1000) {
    for (const row of labelled) themesOf(lexicon, row.text);
    processed += labelled.length;
  }
  return {
    figure: `precision ${all.precision}, recall ${all.recall}`,
    target: '≥ 0.85 both',
    comments: all.comments,
    precision: all.precision,
    recall: all.recall,
    precisionHeldOut: test.precision,
    recallHeldOut: test.recall,
    precisionDev: dev.precision,
    recallDev: dev.recall,
    ...perLanguage,
    commentsPerSecond: Math.round((processed * 1000) / (performance.now() - started)),
  };
};
