/**
 * The compile-then-substitute step. MJML is compiled once at build time with placeholders left in it:
 *   [[msg:some.key]]  a catalog message, HTML-escaped; its {params} come from `vars` (escaped) or `html` (raw)
 *   [[var:name]]      a value, HTML-escaped
 *   [[html:name]]     a fragment our own code built (and escaped) — inserted as is
 * SES's per-recipient `{{…}}` placeholders are plain text to MJML and to this renderer, so they pass through.
 */
import { formatMessage, type Locale } from './messages.ts';

export class UnknownPlaceholderError extends Error {
  override name = 'UnknownPlaceholderError';
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

/**
 * Escapes text bound for an email HTML part. Braces become entities too, so untrusted text can never form a
 * `{{…}}` that SES's Handlebars would evaluate; the reader still sees `{`.
 */
export const escapeEmailHtml = (value: string | number): string =>
  escapeHtml(value).replace(/[{}]/g, (c) => (c === '{' ? '&#123;' : '&#125;'));

/** Makes untrusted text safe for an SES plain-text part or subject: a zero-width space breaks up every `{{`. */
export const defuseHandlebars = (value: string): string => value.replace(/\{/g, '{\u200B');

export interface RenderContext {
  locale: Locale;
  /** Untrusted or plain values; escaped on the way in. */
  vars?: Readonly<Record<string, string | number>>;
  /** Trusted HTML fragments (already escaped by the code that built them), or SES placeholders like `{{name}}`. */
  html?: Readonly<Record<string, string>>;
}

const PLACEHOLDER = /\[\[(msg|var|html):([A-Za-z0-9_.-]+)\]\]/g;

/** Fills every placeholder of a compiled template; throws on an unknown one or one left malformed. */
export const renderCompiled = (template: string, context: RenderContext): string => {
  const vars = context.vars ?? {};
  const html = context.html ?? {};
  const escapedVar = (name: string) =>
    Object.hasOwn(vars, name) ? escapeEmailHtml(vars[name] ?? '') : undefined;
  const fragment = (name: string) => (Object.hasOwn(html, name) ? html[name] : undefined);
  const stripped = template.replace(PLACEHOLDER, '');
  const malformed = stripped.indexOf('[[');
  if (malformed !== -1) {
    throw new UnknownPlaceholderError(
      `Malformed placeholder near "${stripped.slice(malformed, malformed + 40)}"`,
    );
  }
  // One pass: substituted values are never scanned again, so a value containing "[[" stays text.
  const out = template.replace(PLACEHOLDER, (_, kind: string, name: string) => {
    if (kind === 'msg') {
      return formatMessage(context.locale, name, (p) => fragment(p) ?? escapedVar(p), escapeEmailHtml);
    }
    const found = kind === 'var' ? escapedVar(name) : fragment(name);
    if (found === undefined)
      throw new UnknownPlaceholderError(`No value for placeholder [[${kind}:${name}]]`);
    return found;
  });
  return out;
};
