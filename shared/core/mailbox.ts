/**
 * An address with its display name as SES takes it in FromEmailAddress: `"Acme Cloud" <surveys@acme.com>`,
 * or RFC 2047 encoded (`=?UTF-8?B?…?=`) when the name is not plain ASCII (SES requires it). Pure.
 */

/** Longest display name kept; longer ones are cut (mail clients show a few dozen characters anyway). */
const MAX_NAME = 64;

/** Control characters and line breaks never reach a header. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const CONTROL = /[\u0000-\u001f\u007f]/g;

export const mailbox = (address: string, name?: string): string => {
  const clean = (name ?? '').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_NAME);
  if (!clean) return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/["\\]/g, '\\$&')}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?= <${address}>`;
};
