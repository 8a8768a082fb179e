/**
 * The rules of a wave's own settings (its name, sender name, Reply-To, alert address and reminder), written
 * once: `createWave` enforces them for every door, and the console's form and the CLI show the problems they
 * find before anything is read or written. Each problem names its field and carries the limits, so a door
 * words it in its own language without restating a number. Pure.
 */
import { normaliseEmail } from '#shared/core/identity.ts';

export const WAVE_NAME_MAX = 200;
export const FROM_NAME_MAX = 64;
/** A reminder goes out from a minute to 30 days after the wave was sent. */
export const REMIND_AFTER_SECONDS = { min: 60, max: 30 * 86_400 } as const;

/** What a sender's display name may not hold: control characters, quotes, angle brackets. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
export const UNSAFE_NAME = /[\u0000-\u001f<>"]/;

export interface WaveSettings {
  name: string;
  fromName?: string;
  replyTo?: string;
  alertTo?: string;
  remindAfterSeconds?: number;
}

export type WaveSettingsField = 'name' | 'fromName' | 'replyTo' | 'alertTo' | 'remindAfter';

/** Each field as the CLI spells its flag (a ValidationError names the flag). */
export const SETTINGS_FLAGS: Readonly<Record<WaveSettingsField, string>> = {
  name: 'name',
  fromName: 'from-name',
  replyTo: 'reply-to',
  alertTo: 'alert-to',
  remindAfter: 'remind-after',
};

export interface WaveSettingsProblem {
  field: WaveSettingsField;
  /** The rule in English, for the CLI and logs; the console words it from `field` and `limits`. */
  message: string;
  limits?: { min: number; max: number };
}

/** Every problem of a wave's settings, in the order of the fields; none when they are all fine. */
export const waveSettingsProblems = (s: WaveSettings): WaveSettingsProblem[] => {
  const problems: WaveSettingsProblem[] = [];
  if (!s.name.trim() || s.name.length > WAVE_NAME_MAX)
    problems.push({
      field: 'name',
      message: `--name must be 1–${WAVE_NAME_MAX} characters`,
      limits: { min: 1, max: WAVE_NAME_MAX },
    });
  const fromName = s.fromName?.trim();
  if (
    fromName !== undefined &&
    (fromName === '' || fromName.length > FROM_NAME_MAX || UNSAFE_NAME.test(fromName))
  )
    problems.push({
      field: 'fromName',
      message: `--from-name must be 1–${FROM_NAME_MAX} characters without quotes or angle brackets`,
      limits: { min: 1, max: FROM_NAME_MAX },
    });
  if (s.replyTo !== undefined && !normaliseEmail(s.replyTo))
    problems.push({
      field: 'replyTo',
      message: `--reply-to "${s.replyTo.slice(0, 60)}" is not a valid address`,
    });
  if (s.alertTo !== undefined && !normaliseEmail(s.alertTo))
    problems.push({
      field: 'alertTo',
      message: `--alert-to "${s.alertTo.slice(0, 60)}" is not a valid address`,
    });
  const remind = s.remindAfterSeconds;
  if (
    remind !== undefined &&
    !(Number.isInteger(remind) && remind >= REMIND_AFTER_SECONDS.min && remind <= REMIND_AFTER_SECONDS.max)
  )
    problems.push({
      field: 'remindAfter',
      message: '--remind-after must be from 1m to 30d',
      limits: { ...REMIND_AFTER_SECONDS },
    });
  return problems;
};
