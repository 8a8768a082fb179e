/**
 * How a CLI command is declared: its name, arguments and options (what help lists and the parser checks) and
 * a handler that calls one use case and shapes its output. A file in cli/commands/ declares one group.
 */
import type { Clients } from '#shared/store/clients.ts';
import type { TableStore } from '#shared/store/table.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

/** An option: a flag (`boolean`) or one that takes a value (`string`), shown as `value` or its choices. */
export type OptionSpec =
  | { readonly type: 'boolean'; readonly help: string }
  | {
      readonly type: 'string';
      readonly help: string;
      /** What the value looks like in help and errors (NAME, FILE.csv); the choices when there are some. */
      readonly value?: string;
      readonly required?: boolean;
      readonly choices?: readonly string[];
    };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** A positional argument; every declared one is required. `what` completes "wave status needs …". */
export interface ArgSpec {
  readonly name: string;
  readonly what: string;
}

type Given<S, T> = S extends { readonly required: true } ? T : T | undefined;
type ValueOf<S> = S extends { readonly type: 'string' }
  ? Given<S, S extends { readonly choices: readonly (infer C extends string)[] } ? C : string>
  : boolean;
export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };
export type ArgValues<A extends readonly ArgSpec[]> = { [K in A[number]['name']]: string };

/** Raw option values, as the parser (or a test calling `run`) hands them over. */
export type RawOptions = Record<string, string | boolean | undefined>;

export interface Output {
  data: unknown;
  text: string;
  /** Non-zero to report a finding (e.g. `aggregates verify` found differences) while still printing. */
  exitCode?: number;
}

/** What every handler gets besides its own arguments: the clients of the target stack, and a progress line. */
export interface CommandContext extends Clients {
  store: TableStore;
  /** Draws a progress line on a terminal; absent with --json or when stderr is not a terminal. */
  progress?: ((line: string) => void) | undefined;
}

export interface CommandInput<O extends OptionSpecs, A extends readonly ArgSpec[]> extends CommandContext {
  options: OptionValues<O>;
  args: ArgValues<A>;
}

interface Declaration {
  /** The word after the group's name; '' for the group's own command (`nps report`). */
  readonly name: string;
  /** One line for `nps --help`. */
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly options: OptionSpecs;
  /** Pairs of options that cannot be given together. */
  readonly conflicts: readonly (readonly [string, string])[];
}

export interface Command extends Declaration {
  /** Runs with options and arguments already checked against the declaration (see parse.ts `bind`). */
  run(input: CommandContext & { options: RawOptions; args: Record<string, string> }): Promise<Output>;
}

export interface Group {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

type CommandSpec<O extends OptionSpecs, A extends readonly ArgSpec[]> = {
  name: string;
  summary: string;
  args?: A;
  options?: O;
  conflicts?: readonly (readonly [keyof O & string, keyof O & string])[];
  run(input: CommandInput<O, A>): Promise<Output>;
};

/** Declares a command; its handler sees options and arguments typed from the declaration. */
export const command = <
  const O extends OptionSpecs = Record<never, OptionSpec>,
  const A extends readonly ArgSpec[] = [],
>(
  spec: CommandSpec<O, A>,
): Command => ({
  name: spec.name,
  summary: spec.summary,
  args: spec.args ?? [],
  options: spec.options ?? {},
  conflicts: spec.conflicts ?? [],
  // bind() has checked every value against this very declaration, which is what the types say.
  run: (input) =>
    spec.run({ ...input, options: input.options as OptionValues<O>, args: input.args as ArgValues<A> }),
});

export const group = (spec: Group): Group => spec;

export const isGroup = (value: unknown): value is Group =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Group).name === 'string' &&
  Array.isArray((value as Group).commands);
