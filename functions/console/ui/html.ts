/**
 * Safe HTML for console pages: `html` is a tagged template that escapes every value unless it is already
 * SafeHtml (built by `html` itself, or `trusted` for markup our own code made). Arrays are joined. A page
 * built only with `html` cannot be broken by untrusted text (names, comments, file rows).
 *
 *   html`<p>${t('signIn.intro')}</p><ul>${rows.map((r) => html`<li>${r.name}</li>`)}</ul>`
 */
import { escapeHtml } from '#templates/render.ts';

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

const render = (value: Value): string => {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
};

export const html = (strings: TemplateStringsArray, ...values: Value[]): SafeHtml =>
  new SafeHtml(
    strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i] as Value) : ''), ''),
  );

/** Markup our own code built and escaped (never untrusted text). */
export const trusted = (markup: string): SafeHtml => new SafeHtml(markup);

/** The hidden field every console form that changes something must carry. */
export const csrfField = (token: string): SafeHtml =>
  html`<input type="hidden" name="csrf" value="${token}">`;
