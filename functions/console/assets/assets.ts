/** The console's fingerprinted assets (built by ./build.ts into functions/console/dist/console.json). */
import built from '../dist/console.json' with { type: 'json' };

export const CONSOLE_ASSETS_PATH = '/console/assets/';
export const CONSOLE_CSS_PATH = `${CONSOLE_ASSETS_PATH}${built.css.file}`;
export const CONSOLE_JS_PATH = `${CONSOLE_ASSETS_PATH}${built.js.file}`;

export interface ConsoleAsset {
  contentType: string;
  body: string;
}

const ASSETS: ReadonlyMap<string, ConsoleAsset> = new Map([
  [built.css.file, { contentType: 'text/css; charset=utf-8', body: built.css.body }],
  [built.js.file, { contentType: 'text/javascript; charset=utf-8', body: built.js.body }],
]);

/** The asset of a fingerprinted file name, or undefined (an old or unknown name). */
export const consoleAsset = (file: string): ConsoleAsset | undefined => ASSETS.get(file);
