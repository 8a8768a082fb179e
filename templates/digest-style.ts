/** What every section of the digest email shares: its headings, paragraphs and muted text colour. Pure. */
import { escapeEmailHtml as esc } from './render.ts';

export const MUTED = '#4b5563';

export const heading = (text: string): string =>
  `<h2 style="margin:20px 0 8px;font-size:17px;line-height:24px;font-weight:700;color:#111827;">${esc(text)}</h2>`;

export const paragraph = (html: string, style = ''): string =>
  `<p style="margin:0 0 6px;${style}">${html}</p>`;

/** A layout table (no headers): how email clients are told a row of cells is not data. */
export const table = (rows: string): string =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;">${rows}</table>`;
