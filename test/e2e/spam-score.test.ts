/**
 * Deliverability, judged by SpamAssassin (Debian's `spamassassin`, `-t -L`: local rules, no network): every
 * survey email (NPS, CSAT, CES) and every digest, in every language, built by the code that sends them,
 * earns at most 0.5 points from its content. `npm run spam` prints the same per email, with each rule.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { hasSpamAssassin } from '../../scripts/spam/spamassassin.ts';
import { checkEmails, MAX_CONTENT_POINTS } from '../../scripts/spam-check.ts';

it('gives every survey email and digest, in every language, at most 0.5 content points', async () => {
  expect(await hasSpamAssassin(), 'spamassassin is not installed (apt-get install spamassassin)').toBe(true);
  const verdicts = await checkEmails(mkdtempSync(join(tmpdir(), 'nps-spam-')));
  expect(verdicts.map((v) => v.name)).toHaveLength(16);
  const over = verdicts
    .filter((v) => v.content > MAX_CONTENT_POINTS)
    .map(
      (v) =>
        `${v.name}: ${v.content} (${v.hits
          .filter((h) => h.points)
          .map((h) => h.rule)
          .join(', ')})`,
    );
  expect(over).toEqual([]);
});
