/**
 * The CLI's one parser, against command groups declared here (no network): how argv is read, which mistakes
 * are refused and in which words, and how help lines read the declarations.
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { command, type Group, group, type RawOptions, UsageError } from '../../cli/command.ts';
import { loadGroups } from '../../cli/commands.ts';
import { commandHelp, usageLine } from '../../cli/help.ts';
import { bind, findCommand, leadingWord, optionTypes, parseArgv } from '../../cli/parse.ts';

const done = async () => ({ data: null, text: '' });

const create = command({
  name: 'create',
  summary: 'create one',
  options: {
    name: { type: 'string', value: 'NAME', required: true, help: 'its name' },
    survey: { type: 'string', choices: ['nps', 'csat'], help: 'the kind' },
    at: { type: 'string', value: 'ISO-8601', help: 'when' },
    now: { type: 'boolean', help: 'right now' },
    'skip-invalid': { type: 'boolean', help: 'leave bad rows out' },
  },
  conflicts: [['at', 'now']],
  run: done,
});
const status = command({
  name: 'status',
  summary: 'one wave',
  args: [{ name: 'ID', what: 'a wave ID' }],
  run: done,
});
const list = command({ name: 'list', summary: 'all waves', run: done });
const report = command({
  name: '',
  summary: 'the figures',
  options: { since: { type: 'string', value: 'YYYY-MM-DD', help: 'from' } },
  run: done,
});
const GROUPS: Group[] = [
  group({ name: 'wave', summary: 'waves', commands: [create, status, list] }),
  group({ name: 'report', summary: 'figures', commands: [report] }),
];

/** What a command's handler would be given for this argv, or the UsageError's message. */
const bound = (...argv: string[]) => {
  const parsed = parseArgv(argv, GROUPS);
  return bind(findCommand(GROUPS, parsed.positionals), parsed.options);
};
const refusal = (...argv: string[]): string => {
  try {
    bound(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`nps ${argv.join(' ')} was accepted`);
};

describe('the CLI parser', () => {
  it('names a missing required option with what its value looks like', () => {
    expect(refusal('wave', 'create', '--now')).toBe('wave create needs --name NAME');
    expect(refusal('wave', 'create', '--name', '', '--now')).toBe('wave create needs --name NAME');
  });

  it('refuses an option no command knows, naming it', () => {
    expect(refusal('wave', 'list', '--colour', 'red')).toBe('unknown option --colour; see nps --help');
    expect(refusal('wave', 'list', '-x')).toBe('unknown option -x; see nps --help');
  });

  it("refuses another command's option, naming the command and the option", () => {
    expect(refusal('wave', 'list', '--name', 'Q4')).toBe(
      'wave list does not take --name; see nps wave list --help',
    );
  });

  it('reads --json, --stage and --help wherever they stand, apart from the command options', () => {
    const parsed = parseArgv(['--stage', 'prod', 'wave', 'status', 'w1', '--json'], GROUPS);
    expect(parsed).toEqual({
      positionals: ['wave', 'status', 'w1'],
      options: {},
      json: true,
      help: false,
      stage: 'prod',
    });
    expect(parseArgv(['wave', '-h'], GROUPS)).toMatchObject({ help: true, json: false, stage: undefined });
    expect(bound('--json', 'wave', 'list')).toEqual({ options: {}, args: {} });
  });

  it('refuses --at with --now, and takes either alone', () => {
    expect(refusal('wave', 'create', '--name', 'Q4', '--at', '2026-12-01T09:00:00Z', '--now')).toBe(
      'give either --at or --now, not both',
    );
    expect(bound('wave', 'create', '--name', 'Q4', '--now').options).toMatchObject({ now: true });
    expect(bound('wave', 'create', '--name', 'Q4', '--at', '2026-12-01T09:00:00Z').options).toMatchObject({
      at: '2026-12-01T09:00:00Z',
      now: false,
    });
  });

  it('finds the group word before knowing any command option, and gives up when a command option comes first', () => {
    expect(leadingWord(['wave', 'list'])).toBe('wave');
    expect(leadingWord(['--stage', 'prod', '--json', '-h', 'wave', 'status', 'w1'])).toBe('wave');
    expect(leadingWord(['--stage=prod', 'report'])).toBe('report');
    expect(leadingWord(['--', 'wave'])).toBe('wave');
    expect(leadingWord(['--name', 'Q4', 'wave', 'create'])).toBeUndefined();
    expect(leadingWord(['--json'])).toBeUndefined();
    // With every group loaded, a command option before the command still reads as today.
    expect(bound('--name', 'Q4', 'wave', 'create', '--now').options).toMatchObject({ name: 'Q4', now: true });
  });

  it('refuses an option with a value given twice, and takes a flag given twice as once', () => {
    expect(refusal('wave', 'create', '--name', 'A', '--name', 'B', '--now')).toBe(
      '--name is given twice; give it once',
    );
    expect(refusal('wave', 'create', '--name=A', '--name', 'B', '--now')).toBe(
      '--name is given twice; give it once',
    );
    expect(bound('wave', 'create', '--name', 'A', '--now', '--now', '--json', '--json').options).toEqual({
      name: 'A',
      now: true,
      'skip-invalid': false,
    });
  });

  it('reads --option=value like --option value, keeping any later = in the value', () => {
    expect(bound('wave', 'create', '--name=Q4 customers', '--now').options.name).toBe('Q4 customers');
    expect(bound('wave', 'create', '--name=a=b', '--now').options.name).toBe('a=b');
    expect(parseArgv(['--stage=prod', 'wave', 'list'], GROUPS).stage).toBe('prod');
    expect(refusal('wave', 'create', '--name', 'Q4', '--now=yes')).toBe('--now is a flag and takes no value');
  });

  it('refuses an option whose value is missing or looks like another option', () => {
    expect(refusal('wave', 'create', '--now', '--name')).toBe('--name needs a value');
    expect(refusal('wave', 'create', '--name', '--now')).toBe('--name needs a value');
  });

  it('takes everything after -- as arguments', () => {
    expect(bound('wave', 'status', '--', '--odd-id').args).toEqual({ ID: '--odd-id' });
  });

  it('refuses a value outside the choices, listing them', () => {
    expect(refusal('wave', 'create', '--name', 'Q4', '--now', '--survey', 'ces')).toBe(
      '--survey must be nps or csat, not "ces"',
    );
    expect(bound('wave', 'create', '--name', 'Q4', '--now', '--survey', 'csat').options.survey).toBe('csat');
  });

  it('gives absent flags as false and leaves absent values out', () => {
    expect(bound('wave', 'create', '--name', 'Q4', '--now')).toEqual({
      options: { name: 'Q4', now: true, 'skip-invalid': false },
      args: {},
    });
  });

  it('names a missing argument and refuses one too many', () => {
    expect(refusal('wave', 'status')).toBe('wave status needs a wave ID');
    expect(bound('wave', 'status', 'w1').args).toEqual({ ID: 'w1' });
    expect(refusal('wave', 'status', 'w1', 'w2')).toBe(
      'unexpected argument "w2" to wave status; see nps wave status --help',
    );
  });

  it('names unknown commands and a group given without its command', () => {
    expect(refusal('waves', 'list')).toBe('unknown command "waves list"; see nps --help');
    expect(refusal('wave', 'delete', 'w1')).toBe('unknown command "wave delete w1"; see nps wave --help');
    expect(refusal('wave')).toBe('wave needs a command: create, status or list; see nps wave --help');
  });

  it("runs a group's own command by the group's name, and no other word after it", () => {
    expect(bound('report', '--since', '2026-11-01')).toEqual({ options: { since: '2026-11-01' }, args: {} });
    expect(refusal('report', 'weekly')).toBe('unknown command "report weekly"; see nps report --help');
  });

  it('checks options handed straight to run() as the parser would', () => {
    const found = findCommand(GROUPS, ['wave', 'create']);
    const check = (options: RawOptions) => () => bind(found, options);
    expect(check({ name: true, now: true })).toThrow('--name needs a value');
    expect(check({ name: 'Q4', now: 'yes' })).toThrow('--now is a flag and takes no value');
    expect(check({ name: 'Q4', now: true, week: '2026-W47' })).toThrow('wave create does not take --week');
    expect(bind(found, { name: 'Q4', at: undefined, now: true, json: true }).options).toEqual({
      name: 'Q4',
      now: true,
      'skip-invalid': false,
    });
  });

  it('refuses to declare one option name as a flag in one command and with a value in another', () => {
    const clash = command({
      name: 'x',
      summary: 'x',
      options: { name: { type: 'boolean', help: 'x' } },
      run: done,
    });
    expect(() => optionTypes([...GROUPS, group({ name: 'other', summary: 'o', commands: [clash] })])).toThrow(
      '--name is declared both as a flag and as an option with a value',
    );
  });
});

describe('CLI help', () => {
  it('writes a usage line from the declaration: required bare, optional bracketed, a conflict as one choice', () => {
    expect(usageLine(GROUPS[0] as Group, create)).toBe(
      'nps wave create --name NAME [--survey nps|csat] [--at ISO-8601 | --now] [--skip-invalid]',
    );
    expect(usageLine(GROUPS[0] as Group, status)).toBe('nps wave status ID');
    expect(usageLine(GROUPS[1] as Group, report)).toBe('nps report [--since YYYY-MM-DD]');
  });

  it("lists a command's options with their help", () => {
    expect(commandHelp(GROUPS[1] as Group, report)).toBe(
      'nps report [--since YYYY-MM-DD]\n  the figures\n  --since YYYY-MM-DD  from\n',
    );
  });
});

describe('the command groups', () => {
  const root = resolve(import.meta.dirname, '../..');

  it('finds one group per file in cli/commands/, named as its file', async () => {
    const files = readdirSync(join(root, 'cli/commands')).filter((f) => f.endsWith('.ts'));
    const groups = await loadGroups();
    expect(groups.map((g) => g.name)).toEqual(files.map((f) => f.replace(/\.ts$/, '')).sort());
    for (const name of ['aggregates', 'contact', 'digest', 'report', 'wave'])
      expect(groups.map((g) => g.name)).toContain(name);
    expect(() => optionTypes(groups)).not.toThrow();
  });

  it('refuses a usage mistake in one line on stderr, nothing on stdout, exit code 2, before any connection', async () => {
    const nps = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(root, 'cli/nps.ts'), ...args], {
        cwd: root,
        // Nothing listens on port 1: a command that connected would fail differently (exit 1).
        env: { PATH: process.env.PATH ?? '', DDB_PORT: '1', SES_PORT: '1' },
      }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
    const unknown = await nps('wave', 'list', '--colour', 'red', '--json');
    expect(unknown).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'nps: unknown option --colour; see nps --help\n',
    });
    const missing = await nps('wave', 'create', '--audience', 'a.csv', '--now');
    expect(missing).toMatchObject({ code: 2, stdout: '', stderr: 'nps: wave create needs --name NAME\n' });
  }, 60_000); // two Node processes on a busy machine
});
