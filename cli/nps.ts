#!/usr/bin/env node
/**
 * `nps`: the marketing team's command line. Works against the local stack (started by `npm start`), or a
 * deployed stack with `--stage NAME`; every command takes `--json` and then prints exactly one JSON document
 * on stdout.
 */
import { parseArgs } from 'node:util';
import { run, UsageError } from './commands.ts';
import { applyTarget, targetOf } from './target.ts';

const argv = process.argv.slice(2);
const json = argv.includes('--json');

const main = async () => {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean' },
      stage: { type: 'string' },
      name: { type: 'string' },
      audience: { type: 'string' },
      survey: { type: 'string' },
      locale: { type: 'string' },
      product: { type: 'string' },
      at: { type: 'string' },
      now: { type: 'boolean' },
      every: { type: 'string' },
      spread: { type: 'string' },
      'skip-invalid': { type: 'boolean' },
      wave: { type: 'string' },
      segment: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      week: { type: 'string' },
      to: { type: 'string' },
      period: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(USAGE);
    return;
  }
  await applyTarget(targetOf(values.stage, process.env));
  const progress =
    process.stderr.isTTY && !json ? (line: string) => process.stderr.write(`\r${line}\x1b[K`) : undefined;
  const result = await run(positionals, values, { progress });
  if (progress) process.stderr.write('\r\x1b[K');
  process.stdout.write(json ? `${JSON.stringify(result.data)}\n` : `${result.text}\n`);
  if (result.exitCode) process.exitCode = result.exitCode;
};

const USAGE = `Usage: nps <command> [options] [--json]

  wave create --name NAME --audience FILE.csv [--survey nps|csat|ces] [--locale en|nl|sv|de]
              [--product NAME] [--at ISO-8601 | --now] [--every 90d] [--spread 3d] [--skip-invalid]
  wave status ID        wave list        wave cancel ID
  report [--wave ID] [--segment COLUMN] [--since YYYY-MM-DD [--until YYYY-MM-DD] | --week 2026-W47]
         [--survey nps|csat|ces]
  aggregates verify     recount from the responses and list differing counters (exit 1 if any)
  aggregates rebuild    repair them (run with the aggregator caught up)
  digest send [--to ADDR[,ADDR...]] [--period 7d] [--locale en|nl|sv|de]
  digest subscribe ADDR [--locale en|nl|sv|de]      digest unsubscribe ADDR
  contact erase ADDR

Works against the local stack started by \`npm start\` (ports from PORT, SES_PORT, DDB_PORT).
--stage NAME works against the stack deployed with \`cdk deploy -c nps:stage=NAME\` instead (the default
stage when AWS_PROFILE is set), with your AWS credentials and region.
`;

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const hint = /ECONNREFUSED/.test(`${message}${cause}`)
    ? ' (is the local stack running? start it with `npm start`)'
    : '';
  process.stderr.write(`nps: ${message}${cause}${hint}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
