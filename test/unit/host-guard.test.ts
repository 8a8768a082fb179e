import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { allowedHostNames, hostAllowed, hostOf } from '#infra/local/host-guard.ts';

describe('the local stack’s Host check', () => {
  it('reads the host of a Host header without its port, and nothing from a malformed one', () => {
    expect(hostOf('localhost:3000')).toBe('localhost');
    expect(hostOf('LOCALHOST')).toBe('localhost');
    expect(hostOf('[::1]:8005')).toBe('[::1]');
    expect(hostOf('127.0.0.1')).toBe('127.0.0.1');
    for (const bad of [undefined, '', 'a:b:c', '[::1', 'localhost:99999999', 'evil.test@localhost'])
      expect(hostOf(bad), String(bad)).toBe(
        bad === 'evil.test@localhost' ? 'evil.test@localhost' : undefined,
      );
  });

  it('allows only this machine’s names on loopback, whatever the port', () => {
    const allowed = allowedHostNames('127.0.0.1');
    for (const host of ['localhost:3000', '127.0.0.1:8005', '[::1]:9229', 'localhost'])
      expect(hostAllowed(host, allowed), host).toBe(true);
    for (const host of [
      'rebind.evil.test',
      'localhost.evil.test:3000',
      'localhost.',
      '127.0.0.1.nip.io',
      '127.0.0.2',
      hostname(),
      '0.0.0.0',
      undefined,
    ])
      expect(hostAllowed(host, allowed), String(host)).toBe(false);
  });

  it('adds the configured HOST and this machine’s own name when HOST opens the stack', () => {
    const allowed = allowedHostNames('0.0.0.0');
    expect(hostAllowed('0.0.0.0:3000', allowed)).toBe(true);
    expect(hostAllowed(`${hostname()}:3000`, allowed)).toBe(true);
    expect(hostAllowed('rebind.evil.test', allowed)).toBe(false);
    expect(hostAllowed('[::]:3000', allowedHostNames('::'))).toBe(true);
  });
});
