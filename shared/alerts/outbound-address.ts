/**
 * Which hosts a webhook may reach: every address form (IPv4 in decimal, octal, hex or short forms, IPv6 with
 * an IPv4 inside: mapped, compatible, NAT64, 6to4) is read into numbers first and judged by range, so no
 * spelling of an internal address (loopback, private, link-local, CGNAT, metadata, multicast, reserved)
 * slips past a text comparison. Pure: resolving names is the caller's part (`outbound-post.ts`).
 */

/** Why a host is refused, in words a log line and an error message can carry; undefined when it is fine. */
export type Refusal = string | undefined;

/** IPv4 ranges no webhook may reach: [first address, prefix length, what it is]. */
const V4_REFUSED: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'this network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4 relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

/**
 * An IPv4 address as a number, read the way the URL parser and `inet_aton` read one: one to four parts,
 * each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes; one trailing dot
 * allowed. Undefined when the text is not an IPv4 address in any form.
 */
export const parseIPv4 = (text: string): number | undefined => {
  const parts = text.replace(/\.$/, '').split('.');
  if (parts.length < 1 || parts.length > 4) return undefined;
  const values: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/i.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return undefined;
    if (!Number.isSafeInteger(value)) return undefined;
    values.push(value);
  }
  const last = values.pop() as number;
  if (values.some((v) => v > 255) || last >= 256 ** (4 - values.length)) return undefined;
  return values.reduce((sum, v, i) => sum + v * 256 ** (3 - i), 0) + last;
};

const v4Text = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

const V4_RANGES = V4_REFUSED.map(([first, bits, what]) => {
  const size = 2 ** (32 - bits);
  const start = parseIPv4(first) as number;
  return { start, end: start + size - 1, what: `${what} ${first}/${bits}` };
});

/** Why an IPv4 address (as a number) is refused, or undefined for a public one. */
export const refusedV4 = (n: number): Refusal => {
  const range = V4_RANGES.find((r) => n >= r.start && n <= r.end);
  return range ? `${v4Text(n)} is ${range.what}` : undefined;
};

/** An IPv6 address as eight 16-bit groups (a dotted IPv4 tail and a zone id allowed), or undefined. */
export const parseIPv6 = (text: string): number[] | undefined => {
  let rest = text
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '')
    .toLowerCase();
  if (!rest.includes(':')) return undefined;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(rest);
  if (dotted) {
    const parts = dotted.slice(2, 6) as string[];
    if (parts.some((p) => Number(p) > 255 || (p.length > 1 && p.startsWith('0')))) return undefined;
    const [o1, o2, o3, o4] = parts.map(Number) as [number, number, number, number];
    tail.push(o1 * 256 + o2, o3 * 256 + o4);
    rest = dotted[1] as string;
    if (!rest.endsWith('::')) rest = rest.slice(0, -1);
  }
  const halves = rest.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const after = halves[1] ? halves[1].split(':') : [];
  if (![...head, ...after].every((w) => /^[0-9a-f]{1,4}$/.test(w))) return undefined;
  const missing = 8 - head.length - after.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  return [
    ...head.map((w) => Number.parseInt(w, 16)),
    ...Array<number>(halves.length === 2 ? missing : 0).fill(0),
    ...after.map((w) => Number.parseInt(w, 16)),
    ...tail,
  ];
};

const v4Of = (high: number, low: number) => high * 65536 + low;
const startsWith = (g: number[], prefix: number[]) => prefix.every((p, i) => g[i] === p);

/** Why an IPv6 address (eight groups) is refused, or undefined for a public one. */
export const refusedV6 = (g: number[]): Refusal => {
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, h = 0, l = 0] = g;
  const inner = (what: string) => refusedV4(v4Of(h, l)) && `${what} of ${refusedV4(v4Of(h, l))}`;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0) {
    if (f === 0xffff) return inner('an IPv4-mapped form');
    if (f === 0 && h === 0 && l === 0) return ':: is the unspecified address';
    if (f === 0 && h === 0 && l === 1) return '::1 is loopback';
    if (f === 0) return 'an IPv4-compatible address (::/96, deprecated) is refused';
    return 'a reserved IPv6 address (::/8) is refused';
  }
  if (startsWith(g, [0x64, 0xff9b, 0, 0, 0, 0])) return inner('a NAT64 form (64:ff9b::/96)');
  if (startsWith(g, [0x64, 0xff9b, 1])) return 'local-use NAT64 (64:ff9b:1::/48) is refused';
  if (a === 0x2002) return refusedV4(v4Of(b, c)) && `a 6to4 form of ${refusedV4(v4Of(b, c))}`;
  if (a === 0x2001 && b === 0) return 'Teredo (2001::/32) is refused';
  if (a === 0x2001 && b === 0xdb8) return 'documentation (2001:db8::/32) is refused';
  if (a === 0xfd00 && b === 0x0ec2) return 'the EC2 metadata service (fd00:ec2::/32) is refused';
  if (a >= 0xfc00 && a <= 0xfdff) return 'unique local (fc00::/7) is private';
  if (a >= 0xfe80 && a <= 0xfebf) return 'link-local (fe80::/10) is refused';
  if (a >= 0xfec0 && a <= 0xfeff) return 'site-local (fec0::/10) is refused';
  if (a >= 0xff00) return 'multicast (ff00::/8) is refused';
  if (a < 0x2000 || a > 0x3fff) return 'outside global unicast (2000::/3)';
  return undefined;
};

/** Names that lead inside whatever they resolve to: the machine itself and the clouds' metadata services. */
const INTERNAL_NAME = /(^|\.)(localhost|local|localdomain|internal|home\.arpa|in-addr\.arpa|ip6\.arpa)$/;

/**
 * Why a URL's host (as `URL.hostname` gives it, or a resolved address) may not be reached, or undefined.
 * Names must have a dot (a single label resolves through search domains, as `instance-data` does).
 */
export const refusedHost = (hostname: string): Refusal => {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const v6 = parseIPv6(host);
  if (v6) return refusedV6(v6);
  if (host.includes(':')) return `${hostname} is not an address`;
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return refusedV4(v4);
  const name = host.replace(/\.$/, '');
  if (name === '' || !/^[a-z0-9_.-]+$/.test(name)) return `${hostname} is not a host name`;
  if (INTERNAL_NAME.test(name) || /^(instance-data|metadata)(\.|$)/.test(name))
    return `${name} is an internal name`;
  if (!name.includes('.')) return `${name} is a single-label name (it resolves inside the network)`;
  return undefined;
};

/** Loopback receivers, allowed only locally with WEBHOOK_ALLOW_LOOPBACK=1: the only exception there is. */
export const isLoopbackHost = (hostname: string): boolean => {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  return host === '127.0.0.1' || host === 'localhost';
};

/** A resolved address that a loopback receiver may use: 127.0.0.0/8 or ::1, nothing else. */
export const isLoopbackAddress = (address: string): boolean => {
  const v6 = parseIPv6(address);
  if (v6) return v6.every((w, i) => w === (i === 7 ? 1 : 0));
  const v4 = parseIPv4(address);
  return v4 !== undefined && Math.floor(v4 / 2 ** 24) === 127;
};
