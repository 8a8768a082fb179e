/**
 * Closing the loop through the real `npm start`: an audience with an owner column, a Slack webhook added with
 * `nps alert add`, a detractor who answers in a real browser; the owner's alert reaches the SES inbox with the
 * answers, and the webhook gets the Slack message, both within a minute (the time from the submit to each is
 * printed for the closing note).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser.ts';
import { npsJson, type RunningStack, startStackProcess } from '../support/local-process.ts';
import { inbox, linksOf } from '../support/stack.ts';

let stack: RunningStack;
let browser: Browser;
let hooks: Server;
const posted: { at: number; body: { text?: string } }[] = [];
const D = 'loop-e2e.example.com';

beforeAll(async () => {
  hooks = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posted.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
  // The receiver is on this machine: loopback webhooks are allowed for this stack only.
  [stack, browser] = await Promise.all([startStackProcess({ WEBHOOK_ALLOW_LOOPBACK: '1' }), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await new Promise<void>((r) => hooks?.close(() => r()));
});

describe('closing the loop, locally', () => {
  it('alerts the owner by email and the team on Slack within a minute of a detractor’s answers', async () => {
    const port = (hooks.address() as AddressInfo).port;
    await npsJson(
      stack.env,
      'alert',
      'add',
      '--webhook',
      `http://127.0.0.1:${port}/slack`,
      '--on',
      'detractor',
      '--format',
      'slack',
    );
    const audience = join(stack.env.NPS_STATE_DIR as string, 'owners.csv');
    writeFileSync(
      audience,
      `email,name,locale,owner,owner_locale,plan\nkim@${D},Kim,en,anna.am@${D},de,Enterprise\n`,
    );
    const wave = await npsJson<{ id: string }>(
      stack.env,
      'wave',
      'create',
      '--name',
      'Loop',
      '--audience',
      audience,
      '--product',
      'Acme Cloud',
      '--now',
    );
    const [survey] = await stack.waitFor('the survey email', async () => {
      const m = await inbox(stack.sesUrl, [`kim@${D}`]);
      return m.length === 1 ? m : undefined;
    });
    const link = linksOf(survey as NonNullable<typeof survey>)
      .find((l) => /\/r\/[^/]+\/2$/.test(l))
      ?.replace(/^http:\/\/localhost:\d+/, stack.appUrl);
    const page = await browser.newPage();
    await page.goto(link as string);
    await page.locator('textarea').first().fill('The export broke our month end.');
    const submitted = Date.now();
    await page.locator('form button[type="submit"]').first().click();
    await page.waitForLoadState('load');

    const [alert] = await stack.waitFor(
      'the owner alert',
      async () => {
        const m = await inbox(stack.sesUrl, [`anna.am@${D}`]);
        return m.length > 0 ? m : undefined;
      },
      60_000,
    );
    const alertMs = Date.now() - submitted;
    expect(alert?.subject).toBe('Bitte bei Kim melden: 2 von 10 für Acme Cloud');
    expect(alert?.body.html).toContain('The export broke our month end.');
    expect(alert?.body.html).toContain('Enterprise');
    const hook = await stack.waitFor('the Slack webhook', async () => posted[0], 60_000);
    expect(hook.body.text).toContain('*Detractor*: Kim scored 2 of 10');
    expect(hook.body.text).toContain('> The export broke our month end.');
    process.stdout.write(
      `close-the-loop: alert in the inbox ${alertMs} ms after the submit, webhook ${hook.at - submitted} ms\n`,
    );
    expect(alertMs).toBeLessThan(60_000);
    // AlertSent reaches the bus from the alert's settled claim (the table's stream), with ids only.
    const alertSent = await stack.waitFor('AlertSent on the local bus', async () => {
      const file = join(stack.env.NPS_STATE_DIR as string, 'events.jsonl');
      if (!existsSync(file)) return undefined;
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            (JSON.parse(l) as { detail: { metadata: { type: string }; data: { waveId?: string } } }).detail,
        )
        .find((e) => e.metadata.type === 'AlertSent' && e.data.waveId === wave.id);
    });
    expect(alertSent.data).toMatchObject({
      waveId: wave.id,
      alert: 'response',
      revision: expect.any(Number),
    });
    expect(JSON.stringify(alertSent)).not.toContain('@');

    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.setContent(alert?.body.html ?? '');
    expect(
      await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    if (process.env.NPS_SHOTS_DIR)
      await phone.screenshot({ path: join(process.env.NPS_SHOTS_DIR, 'alert-phone.png'), fullPage: true });
  });
});
