/**
 * The hottest partition key over a wave's life (wave-life.ts): the most item writes any one partition key
 * took, per recipient, against the total item writes per recipient spread over all keys — the aim is at most
 * 0.05 (DynamoDB gives one partition key at most 1,000 write units a second, so at 1,000 emails a second a
 * key may take a small share of a wave's writes only). Refused conditional writes count: they cost capacity.
 */

import type { Bench } from './support.ts';
import { keyClass, writesPerKey } from './trace.ts';
import { runWaveLife } from './wave-life.ts';

const RECIPIENTS = 3_000;

const bench: Bench = async (ctx) => {
  const life = await runWaveLife(ctx, { recipients: RECIPIENTS, responseRate: 0.3 });
  if (life.sent !== RECIPIENTS) throw new Error(`sent ${life.sent} of ${RECIPIENTS}`);
  const perKey = writesPerKey(life.writes);
  const [hottest, most] = perKey[0] ?? ['', 0];
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    recipients: RECIPIENTS,
    responders: life.responders,
    figure: round(most / RECIPIENTS),
    hottestKey: keyClass(hottest),
    itemWritesPerRecipient: round(life.writes.length / RECIPIENTS),
    partitionKeysWritten: perKey.length,
    ...Object.fromEntries(Object.entries(life.seconds).map(([phase, s]) => [`${phase}Seconds`, s])),
  };
};

export default bench;
