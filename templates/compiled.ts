/** The build output (templates/dist, made by `npm run build`): compiled MJML and the page assets. */
import compiled from './dist/compiled.json' with { type: 'json' };

export class UnknownTemplateError extends Error {
  override name = 'UnknownTemplateError';
}

const emails: Readonly<Record<string, string>> = compiled.emails;

/** The compiled HTML of templates/email/<name>.mjml, placeholders still in it. */
export const compiledEmail = (name: string): string => {
  const html = emails[name];
  if (html === undefined) {
    throw new UnknownTemplateError(`No compiled email template "${name}"; run \`npm run build\``);
  }
  return html;
};

/** templates/pages/page.css, served at PAGE_CSS_PATH. */
export const PAGE_CSS: string = compiled.assets.pageCss;
/** templates/pages/dwell.js, served at DWELL_JS_PATH. */
export const DWELL_JS: string = compiled.assets.dwellJs;
