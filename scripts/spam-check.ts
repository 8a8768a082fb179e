/**
 * `npm run spam`: the deliverability judge. Builds every survey email (NPS, CSAT, CES) and every digest in
 * every language as the .eml a mailbox receives (scripts/spam/), runs SpamAssassin on each
 * (`spamassassin -t -L`: local rules, no network) and prints the points each earns from its content, the
 * rules about how a message travelled left out (TRANSPORT_RULES). Fails when any email earns more than
 * 0.5 content points. Needs `spamassassin` (Debian: `apt-get install spamassassin`).
 *   npm run spam [-- --out DIR] [-- --json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emlOf } from './spam/eml.ts';
import { type JudgedEmail, judgedEmails } from './spam/messages.ts';
import { hasSpamAssassin, type Judgement, spamAssassin, TRANSPORT_RULES } from './spam/spamassassin.ts';

/** The most content points any email may earn. */
export const MAX_CONTENT_POINTS = 0.5;

export interface Verdict extends Judgement {
  name: string;
  file: string;
}

/** Writes each email to `dir` and judges them two at a time (the machine is shared). */
export const checkEmails = async (
  dir: string,
  emails: JudgedEmail[] = judgedEmails(),
): Promise<Verdict[]> => {
  mkdirSync(dir, { recursive: true });
  const files = emails.map(({ name, message }) => {
    const file = join(dir, `${name}.eml`);
    writeFileSync(file, emlOf(message));
    return { name, file };
  });
  const verdicts: Verdict[] = [];
  for (let i = 0; i < files.length; i += 2) {
    const pair = files.slice(i, i + 2);
    verdicts.push(
      ...(await Promise.all(
        pair.map(async ({ name, file }) => ({ name, file, ...(await spamAssassin(file)) })),
      )),
    );
  }
  return verdicts;
};

const describe = (v: Verdict): string => {
  const rules = v.hits
    .filter((h) => h.points !== 0)
    .map((h) => `${h.rule} ${h.points}${TRANSPORT_RULES.has(h.rule) ? ' (transport)' : ''}`)
    .join(', ');
  return `${v.content <= MAX_CONTENT_POINTS ? 'ok  ' : 'FAIL'} ${v.name.padEnd(18)} content ${v.content.toFixed(1).padStart(4)}  total ${v.total.toFixed(1).padStart(4)}  ${rules || '-'}`;
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const dir = outIndex === -1 ? join(process.cwd(), '.local', 'spam') : (args[outIndex + 1] ?? '');
  if (!(await hasSpamAssassin())) {
    console.error('spam: spamassassin is not installed (Debian: apt-get install spamassassin)');
    process.exit(2);
  }
  const verdicts = await checkEmails(dir);
  if (args.includes('--json')) {
    process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  } else {
    for (const v of verdicts) console.log(describe(v));
    console.log(
      `\n.eml files in ${dir}; transport rules not counted: ${[...TRANSPORT_RULES.keys()].join(', ')}`,
    );
  }
  if (verdicts.some((v) => v.content > MAX_CONTENT_POINTS)) process.exitCode = 1;
}
