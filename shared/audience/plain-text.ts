/**
 * Imported text made safe to show: a name or segment value from a CSV ends up in emails, pages, the digest
 * and the terminal, where control characters can hide text, ring bells, drive the terminal (ANSI escapes)
 * or reverse what a reader sees (bidi overrides).
 */

/** Tabs and line breaks: whitespace a person meant, kept as one space. */
const SPACING = /\r\n|[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * C0 controls, DEL, C1 controls (ESC and BEL included, so no ANSI sequence survives whole), and the bidi
 * controls: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, marks U+200E, U+200F, U+061C.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** Any of the above: most fields have none, and one test is cheaper than two replacements. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u2028\u2029]/;

/** The field with tabs and line breaks as spaces and every control and bidi control character removed. */
export const plainText = (value: string): string =>
  SUSPECT.test(value) ? value.replace(SPACING, ' ').replace(CONTROLS, '') : value;

/** Every control and bidi control character except the line feed. */
const CONTROLS_BUT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/**
 * Free text that may run over several lines (a comment): line breaks kept as `\n` (CRLF, CR and the Unicode
 * separators become one), tabs as a space, and every other control and bidi control character removed.
 */
export const plainParagraphs = (value: string): string =>
  SUSPECT.test(value)
    ? value
        .replace(/\r\n|[\r\u0085\u2028\u2029]/g, '\n')
        .replace(/[\t\v\f]/g, ' ')
        .replace(CONTROLS_BUT_NEWLINE, '')
    : value;
