/**
 * The templates registry: localized survey emails, survey pages and the leadership digest.
 * Pure — it reads only the catalogs and the build output (`npm run build` → templates/dist), never mjml.
 */
export { type AlertKind, type AlertView, alertEmail } from './alert-email.ts';
export { DWELL_JS, PAGE_CSS, UnknownTemplateError } from './compiled.ts';
export {
  type DigestComment,
  type DigestView,
  digestEmail,
  formatMargin,
  formatPeriod,
  formatSigned,
  MAX_COMMENT_CHARS,
  MAX_COMMENTS_SHOWN,
  type OtherSurvey,
} from './digest.ts';
export {
  isLocale,
  LOCALES,
  type Locale,
  MissingMessageError,
  type Params,
  resolveLocale,
  t,
} from './messages.ts';
export {
  type AnswerField,
  DWELL_JS_PATH,
  donePage,
  ERROR_REASONS,
  type ErrorReason,
  errorPage,
  PAGE_CSS_PATH,
  RECOMMEND_FREQUENCIES,
  type ScorePageOptions,
  scorePage,
  type Typed,
} from './pages.ts';
export { escapeHtml, UnknownPlaceholderError } from './render.ts';
export {
  type EmailContent,
  SURVEY_TEMPLATE_FIELDS,
  type SurveyEmailOptions,
  scoreLink,
  surveyEmail,
  surveyTemplateData,
  unsubscribeLink,
} from './survey-email.ts';
export {
  digestUnsubscribeConfirmPage,
  digestUnsubscribedPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from './unsubscribe-pages.ts';
