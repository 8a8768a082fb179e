/**
 * Where a local port listens, read from the kernel's socket tables (/proc/net/tcp, tcp6) instead of by
 * connecting to the machine's other addresses: tests send traffic to loopback only.
 */
import { existsSync, readFileSync } from 'node:fs';

const LISTEN = '0A';

const ipv4 = (hex: string): string =>
  [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');

/** IPv6 in /proc is four little-endian 32-bit words; "::" and "::1" and v4-mapped are all we need to name. */
const ipv6 = (hex: string): string => {
  if (/^0+$/.test(hex)) return '::';
  if (hex === '00000000000000000000000001000000') return '::1';
  if (hex.startsWith('0000000000000000FFFF0000')) return `::ffff:${ipv4(hex.slice(24))}`;
  return hex;
};

/** The local addresses on which something listens on `port` (e.g. ['127.0.0.1'], or ['0.0.0.0'] when open). */
export const listeningAddresses = (port: number): string[] => {
  const found: string[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', ipv4],
    ['/proc/net/tcp6', ipv6],
  ] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [address, hexPort] = local.split(':');
      if (address && hexPort && Number.parseInt(hexPort, 16) === port) found.push(decode(address));
    }
  }
  return found;
};

/** Listening, and only on loopback. */
export const loopbackOnly = (port: number): boolean => {
  const addresses = listeningAddresses(port);
  return (
    addresses.length > 0 &&
    addresses.every((a) => a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1')
  );
};
