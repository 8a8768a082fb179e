import { afterEach, describe, expect, it } from 'vitest';
import { emailBrand } from '#shared/core/config.ts';
import { ENV } from '#shared/core/env.ts';
import { buttonColours, contrastRatio, logoHtml } from '#templates/brand.ts';
import { surveyEmail } from '#templates/index.ts';

const email = (brand?: { logoUrl?: string; colour?: string }) =>
  surveyEmail({
    kind: 'nps',
    locale: 'de',
    baseUrl: 'https://survey.example.com',
    product: 'Acme Cloud',
    ...(brand ? { brand } : {}),
  }).html;

describe('the survey email for mail clients and screen readers', () => {
  const html = email();

  it('puts the question in a heading', () => {
    expect(html).toMatch(/<h1[^>]*>[^<]*Acme Cloud[^<]*<\/h1>/);
  });

  it('makes every score a bulletproof button: colour and padding on the cell, the link inside', () => {
    const cells = [
      ...html.matchAll(
        /<td align="center" bgcolor="(#[0-9a-f]{6})" style="padding:10px 0;[^"]*">\s*<a ses:no-track href="[^"]*\/r\/\{\{token\}\}\/(\d+)"/g,
      ),
    ];
    expect(cells.map((c) => Number(c[2]))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(cells.map((c) => c[1]))).toEqual(new Set(['#1d4ed8']));
  });

  it("names the scale's meaning on the two end links, and only there", () => {
    const labels = [...html.matchAll(/<a [^>]*aria-label="([^"]*)"/g)].map((m) => m[1]);
    expect(labels).toEqual(['0 – Äußerst unwahrscheinlich', '10 – Äußerst wahrscheinlich']);
  });

  it('declares light and dark colour schemes', () => {
    expect(html).toContain('<meta name="color-scheme" content="light dark"');
    expect(html).toContain('prefers-color-scheme: dark');
  });

  it('shows the preheader as visible text, not hidden from the reader', () => {
    expect(html).not.toMatch(/display:\s*none[^>]*>[^<]*Acme/);
    expect(html).not.toContain('mso-hide:all;">Wie');
  });
});

describe('the brand', () => {
  it('draws the buttons in the brand colour with the digit colour that reads best on it', () => {
    expect(buttonColours({ colour: '#FFD700' })).toEqual({ background: '#ffd700', text: '#111827' });
    expect(buttonColours({ colour: '#0b3d2e' })).toEqual({ background: '#0b3d2e', text: '#ffffff' });
    for (const colour of ['#ffd700', '#0b3d2e', '#ff0000', '#777777']) {
      const c = buttonColours({ colour });
      expect(contrastRatio(c.background, c.text)).toBeGreaterThanOrEqual(4.5);
    }
    expect(email({ colour: '#ffd700' })).toContain('bgcolor="#ffd700"');
  });

  it('shows the logo with the product as its text alternative, and nothing without one', () => {
    expect(logoHtml({ logoUrl: 'https://cdn.example.com/logo.png' }, 'Acme "Cloud"')).toContain(
      'alt="Acme &quot;Cloud&quot;"',
    );
    expect(logoHtml({}, 'Acme')).toBe('');
    expect(email({ logoUrl: 'https://cdn.example.com/logo.png' })).toContain(
      '<img src="https://cdn.example.com/logo.png" alt="Acme Cloud"',
    );
  });

  describe('from the stack configuration', () => {
    const saved = { logo: process.env[ENV.logoUrl], colour: process.env[ENV.brandColour] };
    afterEach(() => {
      for (const [name, value] of [
        [ENV.logoUrl, saved.logo],
        [ENV.brandColour, saved.colour],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    it('reads an https logo and a #rrggbb colour', () => {
      process.env[ENV.logoUrl] = 'https://cdn.example.com/l.png';
      process.env[ENV.brandColour] = '#1D4ED8';
      expect(emailBrand()).toEqual({ logoUrl: 'https://cdn.example.com/l.png', colour: '#1d4ed8' });
    });

    it('refuses a logo that is not https and a colour that is not #rrggbb, naming the variable', () => {
      process.env[ENV.logoUrl] = 'http://cdn.example.com/l.png';
      expect(() => emailBrand()).toThrow(ENV.logoUrl);
      delete process.env[ENV.logoUrl];
      process.env[ENV.brandColour] = 'blue';
      expect(() => emailBrand()).toThrow(ENV.brandColour);
    });
  });
});
