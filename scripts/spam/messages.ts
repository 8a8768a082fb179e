/**
 * Every email the judge reads, built by the code that sends them: the survey email of each kind and the
 * digest, in each language, with the From, Reply-To and extra headers our SES calls carry, and the
 * recipient's template data filled in as SES fills it.
 */
import type { SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { SigningKeys } from '#shared/core/links.ts';
import { simpleEmailInput } from '#shared/core/simple-email.ts';
import { SURVEY_KINDS, type SurveyKind } from '#shared/core/survey.ts';
import { bulkEmailInput } from '#shared/sending/bulk-email.ts';
import { digestEmail, LOCALES, type Locale, surveyEmail } from '#templates/index.ts';
import { fillTemplate } from '#templates/previews.ts';
import { SAMPLE_BASE_URL, SAMPLE_NAMES, SAMPLE_PRODUCT, sampleDigestView } from '../email-samples.ts';
import type { EmlMessage } from './eml.ts';

export interface JudgedEmail {
  name: string;
  message: EmlMessage;
}

const SENT_AT = new Date('2026-11-23T08:00:00Z');
const KEYS: SigningKeys = { current: 'k1', secrets: { k1: 'sample-signing-key-for-the-judge-only-0001' } };
const EMAIL = {
  fromAddress: 'surveys@acme-cloud.example',
  configurationSet: undefined,
  replyTo: 'customer-success@acme-cloud.example',
};
const RECIPIENTS: Readonly<Record<Locale, string>> = {
  en: 'jane.doe@customer-one.example',
  nl: 'anna.devries@klant-twee.example',
  sv: 'asa.lindstrom@kund-tre.example',
  de: 'anna.mueller@kunde-vier.example',
};

const surveyMessage = (kind: SurveyKind, locale: Locale): EmlMessage => {
  const input = bulkEmailInput(
    { keys: KEYS, baseUrl: SAMPLE_BASE_URL, policy: { linkValidityDays: 60 }, email: EMAIL },
    '01JD0SAMPLEWAVE',
    // The template the sender renders for this wave and language.
    surveyEmailFor(kind, locale),
    [
      {
        contactId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
        email: RECIPIENTS[locale],
        name: SAMPLE_NAMES[locale],
      },
    ],
    SENT_AT,
    { product: SAMPLE_PRODUCT },
  );
  const template = input.DefaultContent?.Template?.TemplateContent;
  const entry = input.BulkEmailEntries?.[0];
  const data = JSON.parse(
    entry?.ReplacementEmailContent?.ReplacementTemplate?.ReplacementTemplateData ?? '{}',
  );
  const headers = [...(input.DefaultContent?.Template?.Headers ?? []), ...(entry?.ReplacementHeaders ?? [])];
  return {
    from: input.FromEmailAddress ?? '',
    to: RECIPIENTS[locale],
    replyTo: input.ReplyToAddresses?.join(', '),
    subject: fillTemplate(template?.Subject ?? '', data),
    html: fillTemplate(template?.Html ?? '', data),
    text: fillTemplate(template?.Text ?? '', data),
    headers: headers.map((h) => ({ name: h.Name ?? '', value: h.Value ?? '' })),
    date: SENT_AT,
  };
};

const surveyEmailFor = (kind: SurveyKind, locale: Locale) =>
  surveyEmail({ kind, locale, baseUrl: SAMPLE_BASE_URL, product: SAMPLE_PRODUCT });

const fromSimple = (input: SendEmailCommandInput, date: Date): EmlMessage => {
  const simple = input.Content?.Simple;
  return {
    from: input.FromEmailAddress ?? '',
    to: input.Destination?.ToAddresses?.join(', ') ?? '',
    replyTo: input.ReplyToAddresses?.join(', '),
    subject: simple?.Subject?.Data ?? '',
    html: simple?.Body?.Html?.Data ?? '',
    text: simple?.Body?.Text?.Data ?? '',
    headers: (simple?.Headers ?? []).map((h) => ({ name: h.Name ?? '', value: h.Value ?? '' })),
    date,
  };
};

const digestMessage = (locale: Locale): EmlMessage => {
  const view = sampleDigestView(locale);
  const input = simpleEmailInput({
    ...EMAIL,
    fromName: view.title,
    to: `leadership-${locale}@acme-cloud.example`,
    email: digestEmail(view),
  });
  return fromSimple(input, SENT_AT);
};

export const judgedEmails = (): JudgedEmail[] => [
  ...SURVEY_KINDS.flatMap((kind) =>
    LOCALES.map((locale) => ({ name: `survey-${kind}-${locale}`, message: surveyMessage(kind, locale) })),
  ),
  ...LOCALES.map((locale) => ({ name: `digest-${locale}`, message: digestMessage(locale) })),
];
