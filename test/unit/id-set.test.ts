import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdSet } from '#shared/audience/id-set.ts';

const idOf = (n: number) => createHash('sha256').update(`person${n}@example.com`).digest('hex').slice(0, 32);

describe('IdSet', () => {
  it('answers like a Set of the same ids through many growths, duplicates included', () => {
    const ids = new IdSet(4);
    const reference = new Set<string>();
    for (let n = 0; n < 50_000; n++) {
      const id = idOf(n % 37_000); // the last 13,000 repeat earlier ids
      expect(ids.add(id)).toBe(!reference.has(id));
      reference.add(id);
    }
    expect(ids.size).toBe(reference.size);
    expect(ids.size).toBe(37_000);
  });

  it('tells apart ids that share their slot word, and keeps the all-zero id', () => {
    const ids = new IdSet();
    const a = `00000001${'0'.repeat(23)}1`;
    const b = `00000001${'0'.repeat(23)}2`;
    const zero = '0'.repeat(32);
    expect([ids.add(a), ids.add(b), ids.add(zero)]).toEqual([true, true, true]);
    expect([ids.add(a), ids.add(b), ids.add(zero)]).toEqual([false, false, false]);
    expect(ids.size).toBe(3);
  });

  it('refuses what is not a contact id', () => {
    expect(() => new IdSet().add('ceo@example.com')).toThrow(/32 lowercase hex digits/);
  });
});
