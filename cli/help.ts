/** `nps --help`, `nps GROUP --help` and `nps GROUP COMMAND --help`, written from the commands' declarations. */
import type { Command, Group, OptionSpecs } from './command.ts';
import { commandLabel, GLOBAL_OPTIONS, optionUsage } from './parse.ts';

const WIDTH = 100;

/** Words joined into lines of at most WIDTH characters, continued lines indented. */
const wrap = (words: readonly string[], indent: string, continued: string): string => {
  const lines: string[] = [];
  let line = indent;
  for (const word of words) {
    const start = line === indent || line === continued;
    if (!start && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = continued;
    }
    line += line === indent || line === continued ? word : ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
};

/** The parts of a usage line: `nps wave create`, arguments, then options, a conflicting pair as `[--a | --b]`. */
const usageParts = (group: Group, command: Command): string[] => {
  const parts = [`nps ${commandLabel(group, command)}`, ...command.args.map((a) => a.name)];
  const shown = new Set<string>();
  for (const [name, spec] of Object.entries(command.options)) {
    if (shown.has(name)) continue;
    const rival = command.conflicts.find((pair) => pair.includes(name))?.find((n) => n !== name);
    const rivalSpec = rival === undefined ? undefined : command.options[rival];
    if (rival !== undefined && rivalSpec) {
      parts.push(`[${optionUsage(name, spec)} | ${optionUsage(rival, rivalSpec)}]`);
      shown.add(rival);
    } else if (spec.type === 'string' && spec.required) parts.push(optionUsage(name, spec));
    else parts.push(`[${optionUsage(name, spec)}]`);
  }
  return parts;
};

export const usageLine = (group: Group, command: Command, indent = ''): string =>
  wrap(usageParts(group, command), indent, `${indent}    `);

const optionTable = (options: OptionSpecs): string => {
  const rows = Object.entries(options).map(([name, spec]) => [optionUsage(name, spec), spec.help] as const);
  const width = Math.max(0, ...rows.map(([usage]) => usage.length)) + 2;
  return rows.map(([usage, help]) => `  ${usage.padEnd(width)}${help}`).join('\n');
};

const commandLines = (group: Group, command: Command): string =>
  `${usageLine(group, command, '  ')}\n      ${command.summary}`;

const FOOTER = `Every command takes:
${optionTable(GLOBAL_OPTIONS)}

Works against the local stack started by \`npm start\` (ports from PORT, SES_PORT, DDB_PORT); with --stage,
against the deployed stack's table and SES, with your AWS credentials and region.
`;

export const helpOf = (groups: readonly Group[]): string =>
  [
    'Usage: nps <command> [options] [--json]',
    ...groups.map((g) => `${g.name}: ${g.summary}\n${g.commands.map((c) => commandLines(g, c)).join('\n')}`),
    FOOTER,
  ].join('\n\n');

export const groupHelp = (group: Group): string =>
  [
    `${group.name}: ${group.summary}`,
    ...group.commands.map((c) => commandHelp(group, c).trimEnd()),
    `Options every command takes: see nps --help\n`,
  ].join('\n\n');

export const commandHelp = (group: Group, command: Command): string => {
  const options = Object.keys(command.options).length ? `\n${optionTable(command.options)}` : '';
  return `${usageLine(group, command)}\n  ${command.summary}${options}\n`;
};
