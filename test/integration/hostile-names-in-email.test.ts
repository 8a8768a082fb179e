/**
 * Names with HTML's special characters, sent through the real sender to the SES emulator: the HTML part
 * escapes them, the plain-text part shows them as written.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudience } from '#shared/audience/audience.ts';
import { sendDueWaves } from '#shared/sending/run.ts';
import { createWave } from '#shared/waves/create.ts';
import { inbox, type StoredEmail, senderDeps, useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
const tag = randomBytes(4).toString('hex');
const PEOPLE = [
  {
    email: `obrien.${tag}@example.com`,
    // The greeting uses the first name: here the first word carries the characters.
    name: "O'Brien&Sons Ltd",
    first: "O'Brien&Sons",
    locale: 'en',
    greeting: "Hi O'Brien&Sons,",
  },
  {
    email: `tags.${tag}@example.com`,
    name: 'Anna<Admin>"AA" de Vries',
    first: 'Anna<Admin>"AA"',
    locale: 'nl',
    greeting: 'Anna<Admin>"AA"',
  },
];
const mail = new Map<string, StoredEmail>();

beforeAll(async () => {
  stack = await useLocalStack();
  const cell = (value: string) => (/[",]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
  const csv = ['email,name,locale', ...PEOPLE.map((p) => [p.email, cell(p.name), p.locale].join(','))].join(
    '\n',
  );
  await createWave(
    stack,
    { name: 'Names', kind: 'nps', locale: 'en', product: 'Acme', sendAt: new Date() },
    () => readAudience(Readable.from([csv]), 'names.csv'),
    { skipInvalid: false, file: 'names.csv' },
  );
  await sendDueWaves(senderDeps(stack));
  for (const e of await inbox(
    stack.sesUrl,
    PEOPLE.map((p) => p.email),
  ))
    mail.set(e.destination.to[0] as string, e);
});

describe('a contact name with &, \', < and " in the survey email', () => {
  it.each(PEOPLE)('shows $name as written in the plain-text part', ({ email, greeting }) => {
    const text = mail.get(email)?.body.text ?? '';
    expect(text).toContain(greeting);
    expect(text).not.toMatch(/&(amp|lt|gt|quot|#39);/);
  });

  it.each(PEOPLE)('escapes $name in the HTML part', ({ email, first: name }) => {
    const html = mail.get(email)?.body.html ?? '';
    const escaped = name
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&#39;');
    expect(html).toContain(escaped);
    expect(html).not.toContain(name);
  });
});
