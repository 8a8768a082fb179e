/**
 * The emails as their readers get them, for the console's previews: the survey email exactly as the sender
 * hands it to SES (`surveyEmail`), with one recipient's template data filled in the way SES fills it
 * (`{{field}}` raw, `{{#if field}}…{{else}}…{{/if}}`), and the digest as `sendDigest` renders it.
 */
import type { DigestView } from './digest.ts';
import { digestEmail } from './digest.ts';
import { type SurveyEmailOptions, surveyEmail, surveyTemplateData } from './survey-email.ts';

export class UnknownTemplateFieldError extends Error {
  override name = 'UnknownTemplateFieldError';
}

/** A name for the sample recipient (the preview never shows a real contact's name). */
export const PREVIEW_NAME = 'Alex';
/** The token of the preview's links: not a signed link, so following one only shows the link-error page. */
const PREVIEW_TOKEN = 'preview';

const CONDITIONAL = /\{\{#if (\w+)\}\}([\s\S]*?)(?:\{\{else\}\}([\s\S]*?))?\{\{\/if\}\}/g;
const FIELD = /\{\{(\w+)\}\}/g;

/** SES's substitution of one recipient's TemplateData: the survey template's constructs, nothing else. */
export const fillTemplate = (template: string, data: Readonly<Record<string, string>>): string => {
  const value = (field: string): string => {
    const v = data[field];
    if (v === undefined)
      throw new UnknownTemplateFieldError(`The template uses {{${field}}}, which has no data`);
    return v;
  };
  const filled = template
    .replace(CONDITIONAL, (_, field: string, then: string, otherwise = '') =>
      value(field) ? then : otherwise,
    )
    .replace(FIELD, (_, field: string) => value(field));
  if (/\{\{/.test(filled))
    throw new UnknownTemplateFieldError('The template has a construct the preview cannot fill');
  return filled;
};

/** The survey email's HTML as a recipient named `PREVIEW_NAME` would get it. */
export const surveyEmailPreview = (options: SurveyEmailOptions): string =>
  fillTemplate(
    surveyEmail(options).html,
    surveyTemplateData({ token: PREVIEW_TOKEN, unsubscribeToken: PREVIEW_TOKEN, name: PREVIEW_NAME }),
  );

/** The digest's HTML for one reader language. */
export const digestPreview = (view: DigestView): string => digestEmail(view).html;
