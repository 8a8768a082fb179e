/**
 * The CLI's commands: every file in cli/commands/ declares one group (`export default group({ name, … })`),
 * found here by reading that folder, so a new group is one new file. `run` finds, checks and runs a command.
 */
import { readdirSync } from 'node:fs';
import { tableName } from '#shared/core/config.ts';
import { createClients } from '#shared/store/clients.ts';
import { type Group, isGroup, type Output, type RawOptions } from './command.ts';
import { bind, findCommand } from './parse.ts';

const GROUPS_DIR = new URL('./commands/', import.meta.url);

const loadGroup = async (name: string): Promise<Group> => {
  const file = `${name}.ts`;
  const module = (await import(new URL(file, GROUPS_DIR).href)) as { default?: unknown };
  if (!isGroup(module.default) || module.default.name !== name)
    throw new Error(`cli/commands/${file} must \`export default group({ name: '${name}', … })\``);
  return module.default;
};

/** The group names, one per file in cli/commands/, in order. */
export const groupNames = (): string[] =>
  readdirSync(GROUPS_DIR)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();

let all: Promise<readonly Group[]> | undefined;

/** Every command group, for help and for argv that does not start with its group's name. */
export const loadGroups = (): Promise<readonly Group[]> => {
  all ??= Promise.all(groupNames().map(loadGroup));
  return all;
};

/**
 * The groups a command line needs: only the one its first word names (a command pays for loading its own
 * group's use cases, not every group's), or all of them when that word is no group's.
 */
export const groupsFor = async (word: string | undefined): Promise<readonly Group[]> =>
  word !== undefined && groupNames().includes(word) ? [await loadGroup(word)] : loadGroups();

export interface Io {
  progress?: ((line: string) => void) | undefined;
}

/** Finds the command and checks its arguments and options (UsageError), before anything is connected. */
export const prepare = (
  groups: readonly Group[],
  positionals: readonly string[],
  options: RawOptions,
): ((io: Io) => Promise<Output>) => {
  const found = findCommand(groups, positionals);
  const bound = bind(found, options);
  return (io) => {
    const clients = createClients();
    return found.command.run({
      ...bound,
      ...clients,
      store: { ddb: clients.ddb, table: tableName() },
      progress: io.progress,
    });
  };
};

/** Runs one command, e.g. `run(['wave', 'status', id], {}, {})`. */
export const run = async (positionals: readonly string[], options: RawOptions, io: Io): Promise<Output> =>
  prepare(await groupsFor(positionals[0]), positionals, options)(io);
