/**
 * One SendBulkEmail call: the wave's template rendered once, per recipient only signed tokens and the
 * substitution data, and RFC 8058 one-click unsubscribe headers on every email. Pure.
 */
import type { BulkEmailEntry, SendBulkEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { EmailConfig, SurveyPolicy } from '#shared/core/config.ts';
import { type SigningKeys, signLink } from '#shared/core/links.ts';
import type { Locale } from '#shared/core/locale.ts';
import { mailbox } from '#shared/core/mailbox.ts';
import type { Recipient, Wave } from '#shared/waves/model.ts';
import { type EmailContent, surveyEmail, surveyTemplateData } from '#templates/index.ts';
import { CONTACT_TAG, type EmailKind, KIND_HEADER, KIND_TAG, WAVE_TAG } from './acceptance.ts';

/** SES v2 accepts at most 50 destinations per SendBulkEmail call. */
export const BULK_LIMIT = 50;
/** Unsubscribe links outlive response links: two years. */
const UNSUBSCRIBE_VALIDITY_DAYS = 730;

/** The per-recipient entries of one bulk call: tokens signed, name escaped; the template is shared. */
export const bulkEntries = (
  deps: { keys: SigningKeys; baseUrl: string; policy: Pick<SurveyPolicy, 'linkValidityDays'> },
  waveId: string,
  group: readonly Pick<Recipient, 'contactId' | 'email' | 'name'>[],
  now: Date,
  kind: EmailKind = 'first',
): BulkEmailEntry[] => {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const responseExpiry = nowSeconds + deps.policy.linkValidityDays * 86_400;
  const unsubscribeExpiry = nowSeconds + UNSUBSCRIBE_VALIDITY_DAYS * 86_400;
  return group.map((r) => {
    const claims = { waveId, contactId: r.contactId };
    const token = signLink(deps.keys, { ...claims, purpose: 'r', expiresAt: responseExpiry });
    const unsubscribeToken = signLink(deps.keys, { ...claims, purpose: 'u', expiresAt: unsubscribeExpiry });
    return {
      Destination: { ToAddresses: [r.email] },
      ReplacementEmailContent: {
        ReplacementTemplate: {
          ReplacementTemplateData: JSON.stringify(
            surveyTemplateData({ token, unsubscribeToken, name: r.name }),
          ),
        },
      },
      ReplacementHeaders: [{ Name: 'List-Unsubscribe', Value: `<${deps.baseUrl}/u/${unsubscribeToken}>` }],
      // Which recipient and which of their emails this is, in SES's events: a crashed sender's claims are
      // settled from them (acceptance.ts).
      ReplacementTags: [
        { Name: WAVE_TAG, Value: waveId },
        { Name: CONTACT_TAG, Value: r.contactId },
        { Name: KIND_TAG, Value: kind },
      ],
    };
  });
};

/** A wave's survey email in one language, with the stack's logo and brand colour when it names them. */
export const waveEmail = (
  deps: { baseUrl: string; email: EmailConfig },
  wave: Pick<Wave, 'kind' | 'product'>,
  locale: Locale,
): EmailContent =>
  surveyEmail({
    kind: wave.kind,
    locale,
    baseUrl: deps.baseUrl,
    product: wave.product,
    ...(deps.email.brand ? { brand: deps.email.brand } : {}),
  });

/** Who a wave's emails come from and where replies go: the wave's own, else the stack's, else its product. */
export interface WaveSender {
  fromName?: string;
  replyTo?: string;
  product?: string;
}

/** The whole call for one group of one wave, in one language. */
export const bulkEmailInput = (
  deps: Parameters<typeof bulkEntries>[0] & { email: EmailConfig },
  waveId: string,
  template: EmailContent,
  group: readonly Pick<Recipient, 'contactId' | 'email' | 'name'>[],
  now: Date,
  sender: WaveSender = {},
  kind: EmailKind = 'first',
): SendBulkEmailCommandInput => ({
  FromEmailAddress: mailbox(deps.email.fromAddress, sender.fromName ?? deps.email.fromName ?? sender.product),
  ...((sender.replyTo ?? deps.email.replyTo)
    ? { ReplyToAddresses: [sender.replyTo ?? deps.email.replyTo ?? ''] }
    : {}),
  ConfigurationSetName: deps.email.configurationSet,
  DefaultContent: {
    Template: {
      TemplateContent: { Subject: template.subject, Html: template.html, Text: template.text },
      TemplateData: JSON.stringify(surveyTemplateData({ token: '', unsubscribeToken: '', name: '' })),
      Headers: [
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
        { Name: KIND_HEADER, Value: kind },
      ],
    },
  },
  DefaultEmailTags: [{ Name: 'wave', Value: waveId }],
  BulkEmailEntries: bulkEntries(deps, waveId, group, now, kind),
});
