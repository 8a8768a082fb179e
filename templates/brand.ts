/**
 * The customer's look in our emails: an optional logo and one brand colour, kept readable. A colour is used
 * for the score buttons only with the text colour (white or near-black) that reads best on it. Pure.
 */
import type { EmailBrand } from '../shared/core/config.ts';
import { escapeEmailHtml } from './render.ts';

/** An https logo URL (shown 120 px wide above the greeting) and a `#rrggbb` colour for the score buttons. */
export type { EmailBrand };

/** The buttons' colour without a brand: a blue that keeps white digits at 6.7:1. */
export const DEFAULT_BUTTON_COLOUR = '#1d4ed8';
const DARK_TEXT = '#111827';
const LIGHT_TEXT = '#ffffff';

const HEX = /^#[0-9a-f]{6}$/i;
export const isHexColour = (value: string): boolean => HEX.test(value);

/** WCAG 2 relative luminance of `#rrggbb`. */
const luminance = (hex: string): number => {
  const channel = (i: number) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
};

/** WCAG 2 contrast ratio of two `#rrggbb` colours, 1…21. */
export const contrastRatio = (a: string, b: string): number => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
};

/** A colour with each channel scaled by `factor` (0…1: darker). */
const darker = (hex: string, factor: number): string =>
  `#${[1, 3, 5]
    .map((i) =>
      Math.round(Number.parseInt(hex.slice(i, i + 2), 16) * factor)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;

/** WCAG AA for normal text: the digits on the buttons are 16 px. */
const MIN_CONTRAST = 4.5;

/**
 * The buttons' background and the text colour with the better contrast on it. A brand colour on which
 * neither white nor near-black digits reach 4.5:1 (a mid red or grey) is darkened, step by step, until
 * white does: the brand's hue, readable digits.
 */
export const buttonColours = (brand: EmailBrand = {}): { background: string; text: string } => {
  let background =
    brand.colour && isHexColour(brand.colour) ? brand.colour.toLowerCase() : DEFAULT_BUTTON_COLOUR;
  const best = (bg: string) =>
    contrastRatio(bg, LIGHT_TEXT) >= contrastRatio(bg, DARK_TEXT) ? LIGHT_TEXT : DARK_TEXT;
  for (let step = 0; contrastRatio(background, best(background)) < MIN_CONTRAST && step < 40; step++)
    background = darker(background, 0.95);
  return { background, text: best(background) };
};

/** The logo as an `<img>` with the product's name as its text alternative, or nothing. */
export const logoHtml = (brand: EmailBrand, product: string): string =>
  brand.logoUrl
    ? `<img src="${escapeEmailHtml(brand.logoUrl)}" alt="${escapeEmailHtml(product)}" width="120" style="display:block;width:120px;max-width:100%;height:auto;border:0;margin:0 0 14px;">`
    : '';
