#!/usr/bin/env node
/**
 * `nps`: the marketing team's command line. Works against the local stack (started by `npm start`), or a
 * deployed stack with `--stage NAME`; every command takes `--json` and then prints exactly one JSON document
 * on stdout. The commands are declared in cli/commands/, one file per group.
 */
import { type Group, UsageError } from './command.ts';
import { groupsFor, prepare } from './commands.ts';
import { commandHelp, groupHelp, helpOf } from './help.ts';
import { findCommand, leadingWord, parseArgv } from './parse.ts';
import { applyTarget, targetOf } from './target.ts';

const argv = process.argv.slice(2);

/** Help for what the positionals name: everything, one group, or one command. */
const helpFor = (groups: readonly Group[], positionals: string[]): string => {
  if (positionals.length === 0) return helpOf(groups);
  if (positionals.length === 1) {
    const group = groups.find((g) => g.name === positionals[0]);
    if (group) return groupHelp(group);
  }
  const { group, command } = findCommand(groups, positionals);
  return commandHelp(group, command);
};

const main = async () => {
  const groups = await groupsFor(leadingWord(argv));
  const { positionals, options, json, help, stage } = parseArgv(argv, groups);
  if (help || positionals.length === 0) {
    process.stdout.write(helpFor(groups, positionals));
    return;
  }
  const call = prepare(groups, positionals, options);
  await applyTarget(targetOf(stage, process.env));
  const progress =
    process.stderr.isTTY && !json ? (line: string) => process.stderr.write(`\r${line}\x1b[K`) : undefined;
  const result = await call({ progress });
  if (progress) process.stderr.write('\r\x1b[K');
  process.stdout.write(json ? `${JSON.stringify(result.data)}\n` : `${result.text}\n`);
  if (result.exitCode) process.exitCode = result.exitCode;
};

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  const hint = /ECONNREFUSED/.test(`${message}${cause}`)
    ? ' (is the local stack running? start it with `npm start`)'
    : '';
  process.stderr.write(`nps: ${message}${cause}${hint}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
