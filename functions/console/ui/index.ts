/** The console's templates: the shell and bare layouts, the sign-in forms, safe HTML, catalogs and assets. */
export { CONSOLE_ASSETS_PATH, CONSOLE_CSS_PATH, CONSOLE_JS_PATH, consoleAsset } from '../assets/assets.ts';
export {
  NEW_PASSWORD_PATH,
  type Notice,
  newPasswordForm,
  SIGN_IN_PATH,
  signInForm,
} from '../auth/sign-in-view.ts';
export {
  CONSOLE_CATALOGS,
  consoleMessage,
  LANGUAGE_NAMES,
  MissingConsoleMessageError,
  type Translate,
  translator,
} from '../locales/messages.ts';
export { csrfField, html, SafeHtml, trusted } from './html.ts';
export {
  barePage,
  HOME_PATH,
  languageHref,
  type NavLink,
  type PageFrame,
  type ShellView,
  SIGN_OUT_PATH,
  shellPage,
} from './layout.ts';
