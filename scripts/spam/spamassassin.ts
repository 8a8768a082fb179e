/**
 * SpamAssassin as the judge: `spamassassin -t -L` (test mode, local rules only, no network) on one .eml, its
 * report parsed into the rules hit, and the score that counts — the content rules, without the rules only a
 * message that never crossed SMTP can trip.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RuleHit {
  rule: string;
  points: number;
  description: string;
}

/**
 * Rules about how a message travelled, not what it says, each seen on our own .eml builds: written straight
 * to disk, a message has no Received, Date or Message-ID (SES adds the last two when it sends); with a
 * made-up hop the relay's name and address are ours, not SES's. Real delivery decides these. Meta rules
 * that join a transport sign to content (HTML_FONT_TINY_NORDNS, NORDNS_LOW_CONTRAST) count as content.
 */
export const TRANSPORT_RULES: ReadonlyMap<string, string> = new Map([
  ['NO_RECEIVED', 'no Received header: the message never crossed SMTP'],
  ['NO_RELAYS', 'no relay SpamAssassin can parse: the message never crossed SMTP'],
  ['MISSING_DATE', 'SES adds Date when it sends'],
  ['MISSING_MID', 'SES adds Message-ID when it sends'],
  ['ALL_TRUSTED', 'the message only passed through this machine (a localhost hop)'],
  ['RDNS_NONE', 'the made-up relay has no reverse DNS name (SES relays have one)'],
  ['HELO_NO_DOMAIN', 'the made-up relay announced no domain'],
  ['FSL_HELO_NON_FQDN_1', 'the made-up relay announced no fully qualified name'],
  ['RCVD_ILLEGAL_IP', 'the made-up relay has a documentation or private address'],
]);

/** Parses the "Content analysis details" table of a `spamassassin -t` report. */
export const parseReport = (report: string): RuleHit[] => {
  const start = report.search(/Content analysis details:/);
  if (start === -1) throw new Error('No "Content analysis details" in the SpamAssassin output');
  const lines = report.slice(start).split(/\r?\n/);
  const dashes = lines.findIndex((l) => /^-{4}\s+-{4,}/.test(l));
  const hits: RuleHit[] = [];
  for (const line of lines.slice(dashes + 1)) {
    const hit = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (hit)
      hits.push({ points: Number(hit[1]), rule: hit[2] as string, description: (hit[3] ?? '').trim() });
    else if (/^\s{5,}\S/.test(line) && hits.length > 0) {
      const last = hits[hits.length - 1] as RuleHit;
      last.description = `${last.description} ${line.trim()}`;
    } else if (line.trim() === '') break;
  }
  return hits;
};

export interface Judgement {
  hits: RuleHit[];
  /** The sum of every rule SpamAssassin applied. */
  total: number;
  /** Without the transport rules: what the email's content earns. */
  content: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export const judge = (hits: RuleHit[]): Judgement => ({
  hits,
  total: round(hits.reduce((sum, h) => sum + h.points, 0)),
  content: round(hits.filter((h) => !TRANSPORT_RULES.has(h.rule)).reduce((sum, h) => sum + h.points, 0)),
});

/** Whether `spamassassin` can be run here. */
export const hasSpamAssassin = async (): Promise<boolean> => {
  try {
    await run('spamassassin', ['-V']);
    return true;
  } catch {
    return false;
  }
};

/** Runs SpamAssassin on one message file; its exit code says spam or not, which we judge ourselves. */
export const spamAssassin = async (file: string): Promise<Judgement> => {
  const { stdout } = await run('sh', ['-c', 'spamassassin -t -L < "$1"; true', 'sh', file], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return judge(parseReport(stdout));
};
