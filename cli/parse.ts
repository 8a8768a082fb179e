/**
 * The CLI's one parser: reads argv against what the command groups declare, finds the command, and checks its
 * arguments and options, so every command refuses the same mistakes with the same one-line UsageError.
 */
import {
  type Command,
  type Group,
  type OptionSpec,
  type OptionSpecs,
  type RawOptions,
  UsageError,
} from './command.ts';

/** Options every command takes, read by nps.ts rather than by a handler. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean', help: 'print exactly one JSON document on stdout' },
  stage: {
    type: 'string',
    value: 'NAME',
    help: 'the stack deployed as this stage, not the local one (AWS_PROFILE alone: the default stage)',
  },
  help: { type: 'boolean', help: 'list the commands (nps --help) or one group or command (nps wave --help)' },
} as const satisfies OptionSpecs;

export interface ParsedArgv {
  positionals: string[];
  /** The command's options; the global ones are apart, below. */
  options: Record<string, string | boolean>;
  json: boolean;
  help: boolean;
  stage: string | undefined;
}

/** Whether each option name takes a value, across all commands: one name means one kind of option. */
export const optionTypes = (groups: readonly Group[]): Map<string, OptionSpec['type']> => {
  const types = new Map<string, OptionSpec['type']>();
  const all = [GLOBAL_OPTIONS, ...groups.flatMap((g) => g.commands.map((c) => c.options))];
  for (const options of all)
    for (const [name, spec] of Object.entries(options)) {
      const known = types.get(name);
      if (known && known !== spec.type)
        throw new Error(`--${name} is declared both as a flag and as an option with a value`);
      types.set(name, spec.type);
    }
  return types;
};

/**
 * The first word of argv, read before any command's options are known (so only its group need be loaded):
 * undefined when an option other than a global one comes first, since whether it takes a value is unknown.
 */
export const leadingWord = (argv: readonly string[]): string | undefined => {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') return argv[i + 1];
    if (token === '-h') continue;
    if (!token.startsWith('-') || token === '-') return token;
    const [name = '', value] = token.slice(2).split('=', 2);
    const global = token.startsWith('--') ? GLOBAL_OPTIONS[name as keyof typeof GLOBAL_OPTIONS] : undefined;
    if (!global) return undefined;
    if (global.type === 'string' && value === undefined) i++;
  }
  return undefined;
};

/** Splits argv into positionals and options: `--name value`, `--name=value`, flags, `-h`, and `--` to end options. */
export const parseArgv = (argv: readonly string[], groups: readonly Group[]): ParsedArgv => {
  const types = optionTypes(groups);
  const positionals: string[] = [];
  const options: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] as string;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-h') {
      options.help = true;
      continue;
    }
    // A negative number is an argument (`benchmark set Rival -12`), not an option.
    if (!token.startsWith('-') || token === '-' || /^-\d/.test(token)) {
      positionals.push(token);
      continue;
    }
    if (!token.startsWith('--')) throw new UsageError(`unknown option ${token}; see nps --help`);
    const equals = token.indexOf('=');
    const name = equals < 0 ? token.slice(2) : token.slice(2, equals);
    const type = types.get(name);
    if (!type) throw new UsageError(`unknown option --${name}; see nps --help`);
    let value: string | boolean = true;
    if (type === 'boolean') {
      if (equals >= 0) throw new UsageError(`--${name} is a flag and takes no value`);
    } else if (equals >= 0) {
      value = token.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-'))
        throw new UsageError(`--${name} needs a value`);
      value = next;
      i++;
    }
    // A flag said twice means the same; a value said twice leaves which one counts to a guess.
    if (name in options && type === 'string') throw new UsageError(`--${name} is given twice; give it once`);
    options[name] = value;
  }
  const { json, help, stage, ...rest } = options;
  return {
    positionals,
    options: rest,
    json: json === true,
    help: help === true,
    stage: typeof stage === 'string' ? stage : undefined,
  };
};

/** `wave create`, or `report` for a group's own command. */
export const commandLabel = (group: Group, command: Command): string =>
  command.name ? `${group.name} ${command.name}` : group.name;

export interface Found {
  group: Group;
  command: Command;
  args: string[];
}

/** The command the positionals name, and the arguments after its name. */
export const findCommand = (groups: readonly Group[], positionals: readonly string[]): Found => {
  const [groupName, sub] = positionals;
  const group = groups.find((g) => g.name === groupName);
  if (!group) throw new UsageError(`unknown command "${positionals.join(' ')}"; see nps --help`);
  const named = sub === undefined ? undefined : group.commands.find((c) => c.name === sub && c.name !== '');
  if (named) return { group, command: named, args: positionals.slice(2) };
  const own = group.commands.find((c) => c.name === '');
  if (own && (sub === undefined || own.args.length > 0))
    return { group, command: own, args: positionals.slice(1) };
  if (sub === undefined) {
    const names = group.commands.map((c) => c.name);
    throw new UsageError(
      `${group.name} needs a command: ${listed(names, 'or')}; see nps ${group.name} --help`,
    );
  }
  throw new UsageError(`unknown command "${positionals.join(' ')}"; see nps ${group.name} --help`);
};

/** "a, b or c" */
export const listed = (items: readonly string[], last: 'and' | 'or'): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${last} ${items.at(-1)}`;

/** How an option reads in help and errors: `--name NAME`, `--survey nps|csat|ces`, `--now`. */
export const optionUsage = (name: string, spec: OptionSpec): string => {
  if (spec.type === 'boolean') return `--${name}`;
  const value = spec.choices ? spec.choices.join('|') : (spec.value ?? 'VALUE');
  return `--${name} ${value}`;
};

const given = (value: string | boolean | undefined) => value !== undefined && value !== false;

/**
 * Checks a command's arguments and options against its declaration: each option is one it takes, of its
 * kind and among its choices; required ones and arguments are there; no conflicting pair is given together.
 * Flags that are absent become false. Global options are let through for nps.ts.
 */
export const bind = (
  found: Found,
  raw: RawOptions,
): { options: RawOptions; args: Record<string, string> } => {
  const { command } = found;
  const label = commandLabel(found.group, command);
  const options: RawOptions = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined || name in GLOBAL_OPTIONS) continue;
    const spec = command.options[name];
    if (!spec) throw new UsageError(`${label} does not take --${name}; see nps ${label} --help`);
    if (spec.type === 'boolean' && typeof value !== 'boolean')
      throw new UsageError(`--${name} is a flag and takes no value`);
    if (spec.type === 'string') {
      if (typeof value !== 'string') throw new UsageError(`--${name} needs a value`);
      if (spec.choices && !spec.choices.includes(value))
        throw new UsageError(`--${name} must be ${listed(spec.choices, 'or')}, not "${value}"`);
    }
    options[name] = value;
  }
  for (const [name, spec] of Object.entries(command.options)) {
    if (spec.type === 'boolean') options[name] = options[name] === true;
    else if (spec.required && !options[name])
      throw new UsageError(`${label} needs ${optionUsage(name, spec)}`);
  }
  for (const [a, b] of command.conflicts)
    if (given(options[a]) && given(options[b]))
      throw new UsageError(`give either --${a} or --${b}, not both`);

  const args: Record<string, string> = {};
  for (const [i, spec] of command.args.entries()) {
    const value = found.args[i];
    if (!value) throw new UsageError(`${label} needs ${spec.what}`);
    args[spec.name] = value;
  }
  const extra = found.args.slice(command.args.length);
  if (extra.length > 0)
    throw new UsageError(`unexpected argument "${extra[0]}" to ${label}; see nps ${label} --help`);
  return { options, args };
};
