/**
 * The settings a console page reads (time zone, survey and digest rules, the sender, webhook policy, the
 * product), handed to every handler as `ctx.settings` instead of read from the environment by each page.
 * In a Lambda container they come from the deployment's configuration; tests pass their own. Each is read
 * when a page asks for it, as before, so a page never fails for a setting it does not use.
 */
import {
  defaultProduct,
  type digestSettings,
  digestTimeZone,
  type EmailConfig,
  emailConfig,
  publicBaseUrl,
  digestSettings as readDigestSettings,
  type SurveyPolicy,
  surveyPolicy,
  webhookPolicy,
} from '#shared/core/config.ts';

export interface ConsoleSettings {
  /** The zone the console shows days and times in, and reads periods by. */
  readonly timeZone: string;
  readonly survey: SurveyPolicy;
  readonly digest: ReturnType<typeof digestSettings>;
  readonly email: EmailConfig;
  readonly webhooks: ReturnType<typeof webhookPolicy>;
  /** The product a new wave asks about unless the user names another. */
  readonly defaultProduct: string | undefined;
  /** The survey pages' address, for the email preview's links. */
  readonly publicBaseUrl: string;
}

export const settingsFromEnvironment = (): ConsoleSettings => ({
  get timeZone() {
    return digestTimeZone();
  },
  get survey() {
    return surveyPolicy();
  },
  get digest() {
    return readDigestSettings();
  },
  get email() {
    return emailConfig();
  },
  get webhooks() {
    return webhookPolicy();
  },
  get defaultProduct() {
    return defaultProduct();
  },
  get publicBaseUrl() {
    return publicBaseUrl();
  },
});
