/**
 * The console's live update (console.js) withdraws a button once the server says its offer is gone (a sent
 * wave can no longer be cancelled), and keeps it while it stands. The script runs against a small stand-in
 * for the page: the elements it looks up, its timer and its fetch.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SCRIPT = readFileSync(new URL('../../functions/console/assets/console.js', import.meta.url), 'utf8');

class FakeElement {
  removed = false;
  textContent = '';
  readonly dataset: Record<string, string>;
  constructor(dataset: Record<string, string>) {
    this.dataset = dataset;
  }
  remove() {
    this.removed = true;
  }
}

/** Runs console.js on a page with one live source, answers its first refresh with `answer`, then settles. */
const refreshOnce = async (answer: unknown, page: { live: FakeElement[]; offers: FakeElement[] }) => {
  const timers: (() => unknown)[] = [];
  const source = new FakeElement({ liveSrc: '/console/api/waves/w1' });
  const document = {
    hidden: false,
    addEventListener: () => undefined,
    querySelector: (selector: string) => (selector === '[data-live-src]' ? source : null),
    querySelectorAll: (selector: string) =>
      selector === '[data-live]' ? page.live : selector === '[data-live-offer]' ? page.offers : [],
  };
  const run = new Function(
    'document',
    'window',
    'setTimeout',
    'fetch',
    'HTMLElement',
    'HTMLFormElement',
    'HTMLSelectElement',
    'HTMLInputElement',
    SCRIPT,
  );
  run(
    document,
    { addEventListener: () => undefined },
    (fn: () => unknown) => timers.push(fn),
    async () => ({ ok: true, json: async () => answer }),
    FakeElement,
    class {},
    class {},
    class {},
  );
  expect(timers).toHaveLength(1);
  await timers.shift()?.();
};

describe('the live update of a wave page', () => {
  it('removes the cancel button once the wave can no longer be cancelled, and updates the status', async () => {
    const status = new FakeElement({ live: 'w1.status' });
    const cancel = new FakeElement({ liveOffer: 'cancellable' });
    const reminder = new FakeElement({ liveOffer: 'reminder' });
    await refreshOnce(
      { values: { 'w1.status': 'Sent' }, done: false, offers: { cancellable: false, reminder: true } },
      { live: [status], offers: [cancel, reminder] },
    );
    expect(status.textContent).toBe('Sent');
    expect(cancel.removed).toBe(true);
    expect(reminder.removed).toBe(false);
  });

  it('keeps every button while its offer stands, or when the server says nothing of offers', async () => {
    const cancel = new FakeElement({ liveOffer: 'cancellable' });
    await refreshOnce(
      { values: {}, done: false, offers: { cancellable: true, reminder: true } },
      { live: [], offers: [cancel] },
    );
    await refreshOnce({ values: {}, done: false }, { live: [], offers: [cancel] });
    expect(cancel.removed).toBe(false);
  });
});
