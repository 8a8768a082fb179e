import { describe, expect, it } from 'vitest';
import { digestEmail } from '#templates/index.ts';
import { sampleDigestView } from '../../scripts/email-samples.ts';

describe('a digest leadership can act on', () => {
  const { unsubscribeUrl: _u, consoleUrl: _c, ...sample } = sampleDigestView('en');
  const view = {
    ...sample,
    detractorComments: [
      {
        score: 3,
        text: 'Exporten tar för lång tid.',
        locale: 'sv' as const,
        wave: 'Q4 customers',
        segment: ['plan: Enterprise', 'region: Nordics'],
      },
    ],
    promoterReferrals: [
      { score: 10, text: 'Our sister company', locale: 'en' as const, consent: true },
      { score: 9, text: 'A partner of ours', locale: 'en' as const, consent: false },
    ],
  };

  it('says where each comment came from, and marks its language for screen readers', () => {
    const { html, text } = digestEmail(view);
    expect(html).toContain('Score 3 · Swedish · Q4 customers · plan: Enterprise · region: Nordics');
    expect(html).toMatch(/<div lang="sv"[^>]*>Exporten tar för lång tid\.<\/div>/);
    expect(text).toContain(
      '- [Score 3 · Swedish · Q4 customers · plan: Enterprise · region: Nordics] Exporten',
    );
  });

  it('names the language in the reader’s own language', () => {
    expect(digestEmail({ ...view, locale: 'de' }).html).toContain('Schwedisch');
  });

  it('shows which promoters agreed to be contacted about their referral, each under its own referral', () => {
    // Literal texts, each paired with its referral: swapping the two labels fails here.
    const { html, text } = digestEmail(view);
    expect(html).toMatch(
      /Our sister company<\/div><div[^>]*>Agreed to be contacted about it: their account manager has the introduction\.<\/div>/,
    );
    expect(html).toMatch(/A partner of ours<\/div><div[^>]*>Did not agree to be contacted\.<\/div>/);
    expect(text).toContain(
      '- [Score 10 · English] Our sister company\n  Agreed to be contacted about it: their account manager has the introduction.\n',
    );
    expect(text).toContain('- [Score 9 · English] A partner of ours\n  Did not agree to be contacted.\n');
  });

  it('carries the headline figure in the preheader', () => {
    expect(digestEmail(view).html).toMatch(/NPS \+24 · 412 responses/);
  });

  it('links the console and the unsubscribe address when it has them, and neither when not', () => {
    const linked = digestEmail({
      ...view,
      unsubscribeUrl: 'https://survey.example.com/d/AAAAAAAAAAAAAAAAAAAAAA',
      consoleUrl: 'https://nps.example.com/console',
    });
    expect(linked.html).toContain('href="https://survey.example.com/d/AAAAAAAAAAAAAAAAAAAAAA"');
    expect(linked.html).toContain('href="https://nps.example.com/console"');
    expect(linked.text).toContain('Unsubscribe from this digest: https://survey.example.com/d/');
    const bare = digestEmail(view);
    expect(bare.html).not.toContain('/d/');
    expect(bare.html).not.toContain('Unsubscribe from this digest');
  });
});
