/**
 * The console's password policy: the user pool enforces it in AWS (infra reads it from here), and the
 * console and the CLI check it first, so the emulator and AWS refuse the same passwords with the same words.
 */
import { randomInt } from 'node:crypto';

export const PASSWORD_POLICY = {
  minLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  /** An invitation's temporary password must be replaced within this many days. */
  temporaryPasswordValidityDays: 3,
} as const;

/** Rules the policy names, as the console's catalogs name them (`password.rule.<rule>`). */
export type PasswordRule = 'length' | 'lowercase' | 'uppercase' | 'digit' | 'symbol';

/** Cognito's special characters (a space counts only inside a password). */
const SYMBOL = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/;

/** The rules `password` breaks; empty when it is acceptable. */
export const passwordProblems = (password: string): PasswordRule[] => {
  const problems: PasswordRule[] = [];
  if ([...password].length < PASSWORD_POLICY.minLength) problems.push('length');
  if (PASSWORD_POLICY.requireLowercase && !/[a-z]/.test(password)) problems.push('lowercase');
  if (PASSWORD_POLICY.requireUppercase && !/[A-Z]/.test(password)) problems.push('uppercase');
  if (PASSWORD_POLICY.requireDigits && !/[0-9]/.test(password)) problems.push('digit');
  if (PASSWORD_POLICY.requireSymbols && !SYMBOL.test(password.trim())) problems.push('symbol');
  return problems;
};

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)] ?? '';

/** A random temporary password that meets the policy (20 characters, one of each kind guaranteed). */
export const temporaryPassword = (): string => {
  const lower = 'abcdefghijkmnopqrstuvwxyz';
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  const digits = '23456789';
  const symbols = '!#%+-=?@_';
  const all = lower + upper + digits + symbols;
  const chars = [pick(lower), pick(upper), pick(digits), pick(symbols)];
  while (chars.length < 20) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] as string, chars[i] as string];
  }
  return chars.join('');
};
