/**
 * Every table of every email a contact, a reader or an owner gets: one with header cells is a data table
 * (no `role="presentation"`, which makes screen readers drop its rows and columns) and each header says what
 * it heads (`scope`). Rendered here: the survey email of each kind in each language (the reminder is the
 * same body under another subject), the owner alert of each kind in each language, and the digest with every
 * section (trend, distribution, segments, drivers, themes, other surveys) in each language.
 */
import { describe, expect, it } from 'vitest';
import { SURVEY_KINDS } from '#shared/core/survey.ts';
import { type AlertKind, alertEmail, digestEmail, LOCALES } from '#templates/index.ts';
import { sampleDigestView, sampleSurvey } from '../../scripts/email-samples.ts';

interface TableFound {
  open: string;
  headers: string[];
}

/** Each table's opening tag and the `<th>` tags that belong to it (not to a table nested inside). */
const tablesOf = (html: string): TableFound[] => {
  const found: TableFound[] = [];
  const open: TableFound[] = [];
  for (const [tag] of html.matchAll(/<\/?(?:table|th)\b[^>]*>/gi)) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('<table')) open.push({ open: tag, headers: [] });
    else if (lower.startsWith('</table')) {
      const done = open.pop();
      if (done) found.push(done);
    } else if (lower.startsWith('<th')) open.at(-1)?.headers.push(tag);
  }
  expect(open, 'every table is closed').toEqual([]);
  return found;
};

const ALERT_KINDS: readonly AlertKind[] = ['detractor', 'passive', 'introduction'];

const emails = (): { name: string; html: string }[] => [
  ...SURVEY_KINDS.flatMap((kind) =>
    LOCALES.map((locale) => ({
      name: `survey ${kind} ${locale}`,
      html: sampleSurvey(kind, locale).filled.html,
    })),
  ),
  ...ALERT_KINDS.flatMap((kind) =>
    LOCALES.map((locale) => ({
      name: `alert ${kind} ${locale}`,
      html: alertEmail({
        locale,
        kind,
        survey: 'nps',
        score: kind === 'introduction' ? 10 : kind === 'passive' ? 7 : 2,
        product: 'Acme',
        waveName: 'Q4',
        contact: { email: 'kim@example.com', name: 'Kim', locale: 'nl', props: { plan: 'Team' } },
        answers: { reason: 'Slow', improve: 'Faster', referral: 'Our sister company' },
        consoleUrl: 'https://console.example/console/responses/x',
      }).html,
    })),
  ),
  ...LOCALES.map((locale) => ({
    name: `digest ${locale}`,
    html: digestEmail(sampleDigestView(locale)).html,
  })),
];

describe('the tables of every email', () => {
  it('are data tables with scoped headers wherever they have header cells', () => {
    const all = emails();
    const digest = all.find((e) => e.name === 'digest en')?.html ?? '';
    // The digest sample carries every section whose table this guards.
    for (const section of ['W47', 'Enterprise', 'Price'])
      expect(digest, `the sample digest shows ${section}`).toContain(section);
    const problems: string[] = [];
    let withHeaders = 0;
    for (const { name, html } of all) {
      for (const table of tablesOf(html)) {
        if (table.headers.length === 0) continue;
        withHeaders++;
        if (/\brole\s*=\s*["']?presentation/i.test(table.open))
          problems.push(`${name}: a table with header cells is role="presentation"`);
        for (const th of table.headers)
          if (!/\bscope\s*=\s*["']?(col|row|colgroup|rowgroup)\b/i.test(th))
            problems.push(`${name}: ${th.slice(0, 80)} has no scope`);
      }
    }
    expect(problems).toEqual([]);
    // Digests (trend, segments) and alerts (the contact) in every language have such tables.
    expect(withHeaders).toBeGreaterThanOrEqual(LOCALES.length * 2 + ALERT_KINDS.length * LOCALES.length);
  });
});
