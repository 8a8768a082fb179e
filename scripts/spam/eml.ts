/**
 * An email as it arrives in a mailbox (.eml): headers as SES writes them, one fake Received header (the hop
 * into the receiving server), and a multipart/alternative body in quoted-printable, the way SES encodes the
 * parts it is given (every line at most 76 characters). Pure; for the deliverability judge.
 */
import { createHash } from 'node:crypto';

export interface EmlMessage {
  /** `"Name" <address>` or an RFC 2047 encoded name, as SES takes FromEmailAddress. */
  from: string;
  to: string;
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  /** Extra headers as SES adds them (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: readonly { name: string; value: string }[];
  date: Date;
}

const CRLF = '\r\n';
const MAX_LINE = 76;

const hex = (byte: number) => `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** RFC 2045 quoted-printable of UTF-8 text; line breaks become CRLF, long lines get soft breaks. */
export const quotedPrintable = (text: string): string =>
  text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => {
      const bytes = Buffer.from(line, 'utf8');
      const tokens: string[] = [];
      bytes.forEach((byte, i) => {
        const last = i === bytes.length - 1;
        const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !last);
        tokens.push(literal ? String.fromCharCode(byte) : hex(byte));
      });
      const out: string[] = [];
      let current = '';
      for (const token of tokens) {
        // Room for the soft break's '=' at the end of every line but the last.
        if (current.length + token.length > MAX_LINE - 1) {
          out.push(`${current}=`);
          current = '';
        }
        current += token;
      }
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);

/** A header value as RFC 2047 encoded words when it is not plain ASCII, each word within a line. */
export const encodedWords = (value: string): string => {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const words: string[] = [];
  let chunk = '';
  for (const char of value) {
    // 45 bytes of UTF-8 encode to 60 characters of base64: with `=?UTF-8?B?…?=` a word stays under 75.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(`${CRLF} `);
};

/** RFC 5322 date-time, e.g. `Mon, 23 Nov 2026 08:00:00 +0000`. */
const rfc5322Date = (date: Date): string => date.toUTCString().replace('GMT', '+0000');

const domainOf = (mailbox: string): string => /@([^>\s]+)>?\s*$/.exec(mailbox)?.[1] ?? 'example.com';

export const emlOf = (message: EmlMessage): string => {
  const id = createHash('sha256')
    .update(`${message.to}\n${message.subject}\n${message.date.toISOString()}`)
    .digest('hex');
  const boundary = `=_part_${id.slice(0, 24)}`;
  const date = rfc5322Date(message.date);
  const headers = [
    // The hop from SES into the recipient's server: without any Received header a filter sees a message that
    // never crossed SMTP. The host and address are of SES's outbound relays (a documentation address such as
    // 198.51.100.x trips RCVD_ILLEGAL_IP, a rule about our fake, not the email).
    `Received: from a8-31.smtp-out.amazonses.com (a8-31.smtp-out.amazonses.com [54.240.8.31])`,
    `\tby mx.example.net (Postfix) with ESMTPS id ${id.slice(0, 12).toUpperCase()}`,
    `\tfor <${message.to}>; ${date}`,
    `From: ${message.from}`,
    `To: ${message.to}`,
    ...(message.replyTo ? [`Reply-To: ${message.replyTo}`] : []),
    `Subject: ${encodedWords(message.subject)}`,
    `Date: ${date}`,
    `Message-ID: <${id.slice(0, 32)}@email.${domainOf(message.from)}>`,
    ...(message.headers ?? []).map((h) => `${h.name}: ${h.value}`),
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
  ];
  const part = (type: string, body: string) =>
    [
      `--${boundary}`,
      `Content-Type: ${type}; charset=UTF-8`,
      'Content-Transfer-Encoding: quoted-printable',
      '',
      quotedPrintable(body),
    ].join(CRLF);
  return [
    ...headers,
    '',
    part('text/plain', message.text),
    part('text/html', message.html),
    `--${boundary}--`,
    '',
  ].join(CRLF);
};
