/**
 * Untrusted text made safe to show: a name or segment value from a CSV, and a respondent's answers (at the
 * answer boundary, `parseAnswers`), end up in emails, pages, the digest, exports, webhooks and the terminal,
 * where control characters can hide text, ring bells, drive the terminal (ANSI escapes), reverse what a
 * reader sees (bidi overrides) or hide words from a reader and a filter alike (zero-width characters).
 */

/** Tabs and line breaks: whitespace a person meant, kept as one space. */
const SPACING = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * C0 controls, DEL, C1 controls (ESC and BEL included, so no ANSI sequence survives whole), the bidi
 * controls (embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E, U+200F, U+061C),
 * and the invisible format characters: soft hyphen U+00AD, Mongolian vowel separator U+180E, zero-width
 * space, non-joiner and joiner U+200B–U+200D, word joiner and invisible operators U+2060–U+2064, the
 * deprecated format controls U+206A–U+206F, the byte order mark U+FEFF and annotation marks U+FFF9–U+FFFB.
 * A joiner between two emoji stays: it is what makes 👩‍💻 one picture, and hides nothing.
 */
const INVISIBLE =
  '\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u180e\\u200b\\u200c\\u200e\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u061c\\ufeff\\ufff9-\\ufffb';
const EMOJI = '[\\p{Extended_Pictographic}\\p{Emoji_Modifier}\\uFE0F]';
const LONE_JOINER = `\\u200d(?!\\p{Extended_Pictographic})|(?<!${EMOJI})\\u200d`;
const CONTROLS = new RegExp(`[${INVISIBLE}]|${LONE_JOINER}`, 'gu');

/** Any of the above or a line separator: most fields have none, and one test is cheaper than two replacements. */
const SUSPECT = new RegExp(`[${INVISIBLE}\\u200d\\u2028\\u2029]`, 'u');

/** The field with tabs and line breaks as spaces and every control, bidi and invisible character removed. */
export const plainText = (value: string): string =>
  SUSPECT.test(value) ? value.replace(SPACING, ' ').replace(CONTROLS, '') : value;

/** Every control, bidi control and invisible character except the line feed. */
const CONTROLS_BUT_NEWLINE = new RegExp(`(?!\\n)[${INVISIBLE}]|${LONE_JOINER}`, 'gu');

/**
 * Free text that may run over several lines (a comment): line breaks kept as `\n` (CRLF, CR and the Unicode
 * separators become one), tabs as a space, and every other control, bidi and invisible character removed.
 */
export const plainParagraphs = (value: string): string =>
  SUSPECT.test(value)
    ? value
        .replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n')
        .replace(/[\t\v\f]/g, ' ')
        .replace(CONTROLS_BUT_NEWLINE, '')
    : value;
