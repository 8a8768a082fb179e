/** The deliverability judge's own parts: reading SpamAssassin's report and building the .eml it reads. */
import { describe, expect, it } from 'vitest';
import { emlOf, encodedWords, quotedPrintable } from '../../scripts/spam/eml.ts';
import { judge, parseReport } from '../../scripts/spam/spamassassin.ts';

const REPORT = `Spam detection software has NOT identified this incoming email as spam.

Content analysis details:   (1.9 points, 5.0 required)

 pts rule name              description
---- ---------------------- --------------------------------------------------
 0.0 HTML_MESSAGE           BODY: HTML included in message
 0.7 HTML_FONT_LOW_CONTRAST BODY: HTML font color similar or identical to
                            background
 1.2 NO_RELAYS              Informational: message was not relayed via SMTP
-0.0 NO_RECEIVED            Informational: message has no Received headers

`;

describe('the SpamAssassin judge', () => {
  it('reads every rule of the report, a description over two lines included', () => {
    expect(parseReport(REPORT)).toEqual([
      { points: 0, rule: 'HTML_MESSAGE', description: 'BODY: HTML included in message' },
      {
        points: 0.7,
        rule: 'HTML_FONT_LOW_CONTRAST',
        description: 'BODY: HTML font color similar or identical to background',
      },
      { points: 1.2, rule: 'NO_RELAYS', description: 'Informational: message was not relayed via SMTP' },
      { points: -0, rule: 'NO_RECEIVED', description: 'Informational: message has no Received headers' },
    ]);
  });

  it('counts content rules and leaves out the ones about how a message travelled', () => {
    expect(judge(parseReport(REPORT))).toMatchObject({ total: 1.9, content: 0.7 });
  });

  it('refuses output that is not a report rather than calling it clean', () => {
    expect(() => parseReport('spamassassin: command not found')).toThrow(/Content analysis details/);
  });
});

describe('the .eml a mailbox receives', () => {
  it('encodes the body as quoted-printable in lines of at most 76 characters', () => {
    const text = `${'Ä'.repeat(100)} = ${'long line without breaks '.repeat(10)}\nsecond line `;
    const encoded = quotedPrintable(text);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    const decoded = Buffer.from(
      encoded.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`),
      'latin1',
    ).toString();
    expect(decodeURIComponent(decoded.replace(/\r\n/g, '\n'))).toBe(text);
  });

  it('writes a non-ASCII subject as encoded words, and carries the extra headers', () => {
    expect(encodedWords('Hello')).toBe('Hello');
    expect(encodedWords('Wie wahrscheinlich … Müller?')).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    const eml = emlOf({
      from: '"Acme" <surveys@acme.example>',
      to: 'anna@example.com',
      subject: 'Hej',
      html: '<p>Hej</p>',
      text: 'Hej',
      headers: [{ name: 'List-Unsubscribe', value: '<https://survey.example.com/u/x>' }],
      date: new Date('2026-11-23T08:00:00Z'),
    });
    expect(eml).toContain('List-Unsubscribe: <https://survey.example.com/u/x>\r\n');
    expect(eml).toContain('Date: Mon, 23 Nov 2026 08:00:00 +0000\r\n');
    expect(eml).toMatch(/Content-Type: multipart\/alternative; boundary="=_part_[0-9a-f]{24}"/);
  });
});
