/** axe-core in a real page: the serious and critical accessibility violations, each with where it is. */
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Needs a context made with `bypassCSP: true`: the pages' CSP forbids the script axe is injected as. */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            context: Document,
            options: { resultTypes: string[] },
          ) => Promise<{ violations: AxeViolation[] }>;
        };
      }
    ).axe;
    // Only violations are read: axe skips collecting the details of passes and incomplete checks.
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
};

interface AxeViolation {
  id: string;
  impact?: string | null;
  nodes: { target: string[] }[];
}
