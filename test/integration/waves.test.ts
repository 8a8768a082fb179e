import { Readable } from 'node:stream';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAudience } from '#shared/audience/audience.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { allWaveItems } from '#shared/store/wave-items.ts';
import { createWave } from '#shared/waves/create.ts';
import { getWave } from '#shared/waves/repository.ts';
import { useLocalStack } from '../support/stack.ts';

let stack: Awaited<ReturnType<typeof useLocalStack>>;
beforeAll(async () => {
  stack = await useLocalStack();
});

const create = (csv: string | Buffer, skipInvalid = false) =>
  createWave(
    stack,
    { name: 'Spring', kind: 'nps', locale: 'nl', product: 'Acme', sendAt: new Date('2026-12-01T09:00:00Z') },
    () => readAudience(Readable.from([csv]), 'klanten.csv'),
    { skipInvalid, file: 'klanten.csv' },
  );

const itemCount = async () =>
  (await stack.ddb.send(new ScanCommand({ TableName: stack.table, Select: 'COUNT' }))).Count ?? 0;

describe('creating a wave from an audience file', () => {
  it('reads a semicolon-separated export with a BOM, quotes and duplicates', async () => {
    const csv = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'email;name;locale;regio\r\n' +
          'Anna@Example.NL;"de Vries; Anna";nl;Noord\r\n' +
          'erik@example.se;"Erik ""E"" Svensson";sv-SE;Zuid\r\n' +
          'anna@example.nl;Anna again;nl;Noord\r\n',
      ),
    ]);
    const result = await create(csv);
    expect(result.recipients).toBe(2);
    expect(result.skipped).toEqual([{ line: 4, email: 'anna@example.nl', reason: 'duplicate' }]);
    const wave = await getWave(stack.ddb, stack.table, result.id);
    expect(wave).toMatchObject({ status: 'scheduled', recipients: 2, locale: 'nl' });
    const recipients = { Items: await allWaveItems(stack, result.id, { prefix: 'RCPT#', consistent: true }) };
    const byEmail = Object.fromEntries((recipients.Items ?? []).map((r) => [r.email, r]));
    expect(byEmail['anna@example.nl']).toMatchObject({
      name: 'de Vries; Anna',
      locale: 'nl',
      props: { regio: 'Noord' },
    });
    expect(byEmail['erik@example.se']).toMatchObject({ name: 'Erik "E" Svensson', locale: 'sv' });
  });

  it('creates nothing when a row is invalid, and names the line', async () => {
    const before = await itemCount();
    const csv = 'email,name\nok@example.com,Ok\nnot-an-address,Bad\nalso.ok@example.com,Fine\n';
    const error = await create(csv).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^klanten\.csv, line 3: email is not a valid address/);
    expect(await itemCount()).toBe(before);
  });

  it('lists every invalid row as line N: reason in one line, and creates nothing', async () => {
    const before = await itemCount();
    const csv = 'email,name,locale\nok@example.com,Ok,en\nbad@,Bad,en\nfr@example.com,Fr,fr\nalso-bad,X,en\n';
    const error = await create(csv).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'klanten.csv, line 3: email is not a valid address; line 4: locale "fr" is not supported; line 5: email is not a valid address; nothing was created',
    );
    expect(await itemCount()).toBe(before);
  });

  it('with --skip-invalid, creates the wave and reports each skipped row', async () => {
    const csv = `email,name,locale\nok@example.com,Ok,en\nbad@,Bad,en\nfr@example.com,Fr,fr\nlong@example.com,${'x'.repeat(201)},en\n`;
    const result = await create(csv, true);
    expect(result.recipients).toBe(1);
    expect(result.skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'email is not a valid address'],
      [4, 'locale "fr" is not supported'],
      [5, 'name is longer than 200 characters'],
    ]);
  });

  it('rejects a file without an email column', async () => {
    await expect(create('name,city\nAnna,Utrecht\n')).rejects.toThrow(
      'klanten.csv, line 1: the header has no "email" column',
    );
  });
});
