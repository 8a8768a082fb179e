/** How the commands write figures in their text output. */

/** An NPS as people write it: +33, -12, 0, or n/a without responses. */
export const signed = (nps: number | null): string =>
  nps === null ? 'n/a' : `${nps > 0 ? '+' : ''}${Math.round(nps)}`;
