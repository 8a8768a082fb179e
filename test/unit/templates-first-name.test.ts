import { describe, expect, it } from 'vitest';
import { firstNameOf } from '#templates/first-name.ts';

describe('the name a greeting uses', () => {
  it.each([
    ['Anna Müller', 'Anna'],
    ['Müller, Anna', 'Anna'],
    ['Dr. Anna Müller', 'Anna'],
    ['dhr. Jan de Vries', 'Jan'],
    ['Åsa Lindström', 'Åsa'],
    ['  Jane   Doe ', 'Jane'],
    ['Cher', 'Cher'],
  ])('%s → %s', (full, first) => {
    expect(firstNameOf(full)).toBe(first);
  });

  it.each([['J. Doe'], ['J'], ['Dr.'], [''], [undefined]])('greets %s without a name', (full) => {
    expect(firstNameOf(full)).toBe('');
  });

  it('cuts a very long first name at 60 characters', () => {
    expect(Array.from(firstNameOf(`${'é'.repeat(80)} Smith`))).toHaveLength(60);
  });
});
