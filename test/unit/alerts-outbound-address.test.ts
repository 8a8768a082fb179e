/**
 * Webhook targets inside the network, in every spelling: each hostile URL below is refused by the one check
 * behind the console, the CLI and delivery, in AWS (https only) and locally (http allowed), and even with
 * WEBHOOK_ALLOW_LOOPBACK=1 unless it really is 127.0.0.1 or localhost. Resolved addresses go through the
 * same ranges (an injected resolver: no DNS and no traffic here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isLoopbackAddress, parseIPv4, parseIPv6, refusedHost } from '#shared/alerts/outbound-address.ts';
import { checkedAddresses, OutboundRefusedError, type Resolver } from '#shared/alerts/outbound-post.ts';
import { checkWebhookUrl } from '#shared/alerts/subscriptions.ts';
import { webhookPolicy } from '#shared/core/config.ts';

/** [URL, what it is]. The 17 accepted ones first, then both ends of every range and other spellings. */
const HOSTILE: [string, string][] = [
  [
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'IPv4-mapped metadata (rewritten to ::ffff:a9fe:a9fe)',
  ],
  ['http://[::ffff:a9fe:a9fe]/latest/meta-data/', 'IPv4-mapped metadata in hex'],
  ['http://[::169.254.169.254]/', 'IPv4-compatible metadata'],
  ['http://[64:ff9b::a9fe:a9fe]/', 'NAT64 metadata'],
  ['http://[64:ff9b::169.254.169.254]/', 'NAT64 metadata, dotted'],
  ['http://instance-data./latest/', 'EC2 instance-data with a trailing dot'],
  ['http://instance-data/latest/', 'EC2 instance-data'],
  ['http://instance-data.ec2.internal/', 'EC2 instance-data, full name'],
  ['http://localhost/', 'localhost'],
  ['http://LOCALHOST./', 'localhost, upper case with a trailing dot'],
  ['http://hooks.localhost/', 'a *.localhost name'],
  ['http://%6c%6f%63%61%6c%68%6f%73%74/', 'localhost, percent-encoded'],
  ['http://127.1/', 'short loopback'],
  ['http://0x7f.1/', 'hex short loopback'],
  ['http://2130706433/', 'decimal loopback'],
  ['http://0177.0.0.1/', 'octal loopback'],
  ['http://0x7f000001/', 'hex loopback'],
  ['http://127.0.0.1./', 'loopback with a trailing dot'],
  ['http://１２７.０.０.１/', 'full-width loopback'],
  ['http://127.255.255.254/', 'top of 127/8'],
  ['http://[::1]/', 'IPv6 loopback'],
  ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
  ['http://[0:0:0:0:0:ffff:7f00:1]/', 'IPv4-mapped loopback, written out'],
  ['http://0.0.0.0/', 'unspecified IPv4'],
  ['http://0/', 'zero'],
  ['http://0.255.255.255/', 'top of 0/8'],
  ['http://[::]/', 'unspecified IPv6'],
  ['http://10.0.0.1/', 'private 10/8, bottom'],
  ['http://10.255.255.254/', 'private 10/8, top'],
  ['http://012.1/', 'private 10/8, octal short'],
  ['http://172.16.0.1/', 'private 172.16/12, bottom'],
  ['http://172.31.255.254/', 'private 172.16/12, top'],
  ['http://192.168.0.1/', 'private 192.168/16, bottom'],
  ['http://192.168.255.254/', 'private 192.168/16, top'],
  ['http://[::ffff:192.168.1.1]/', 'IPv4-mapped private'],
  ['http://100.64.0.1/', 'CGNAT, bottom'],
  ['http://100.127.255.254/', 'CGNAT, top'],
  ['http://100.100.100.200/', 'Alibaba Cloud metadata (in CGNAT)'],
  ['http://169.254.0.1/', 'link-local, bottom'],
  ['http://169.254.169.254/latest/meta-data/', 'AWS, Azure, GCP metadata'],
  ['http://169.254.255.254/', 'link-local, top'],
  ['http://169.254.170.2/v2/credentials', 'ECS task credentials'],
  ['http://[fe80::1]/', 'IPv6 link-local, bottom'],
  ['http://[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/', 'IPv6 link-local, top'],
  ['http://[fe80::1%25eth0]/', 'IPv6 link-local with a zone'],
  ['http://[fd00:ec2::254]/', 'EC2 IPv6 metadata'],
  ['http://[fc00::1]/', 'unique local, bottom'],
  ['http://[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]/', 'unique local, top'],
  ['http://[2002:a9fe:a9fe::]/', '6to4 of metadata'],
  ['http://[2002:7f00:1::1]/', '6to4 of loopback'],
  ['http://metadata.google.internal/computeMetadata/v1/', 'GCP metadata'],
  ['http://metadata/computeMetadata/v1/', 'GCP metadata, short'],
  ['http://intranet/', 'a single-label name'],
  ['http://printer.local/', 'mDNS'],
  ['http://224.0.0.1/', 'multicast'],
  ['http://[ff02::1]/', 'IPv6 multicast'],
  ['http://240.0.0.1/', 'reserved'],
  ['http://255.255.255.255/', 'broadcast'],
  ['http://198.18.0.1/', 'benchmarking'],
  ['http://192.0.0.192/', 'IETF protocol assignments'],
  ['https://user:secret@example.com/hook', 'credentials in the URL'],
  ['ftp://example.com/hook', 'not http'],
  ['file:///etc/passwd', 'a file'],
  ['not a url', 'not a URL'],
];

const asHttps = (url: string) => url.replace(/^http:/, 'https:');

describe('webhook URLs inside the network', () => {
  it('has at least 40 hostile URLs in the table', () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE)('refuses %s (%s), locally and in AWS', (url) => {
    expect(() => checkWebhookUrl(url, { httpsOnly: false })).toThrow();
    expect(() => checkWebhookUrl(asHttps(url), { httpsOnly: true })).toThrow();
  });

  it('refuses every hostile URL with WEBHOOK_ALLOW_LOOPBACK=1 too, unless it is 127.0.0.1 or localhost itself', () => {
    const allowed = HOSTILE.filter(([url]) => {
      try {
        checkWebhookUrl(url, { httpsOnly: false, allowLoopback: true });
        return true;
      } catch {
        return false;
      }
    }).map(([url]) => new URL(url).hostname.replace(/\.$/, ''));
    expect(new Set(allowed)).toEqual(new Set(['127.0.0.1', 'localhost']));
    // Never in AWS, whatever the flag says.
    expect(() => checkWebhookUrl('https://127.0.0.1/', { httpsOnly: true, allowLoopback: true })).toThrow();
    expect(() => checkWebhookUrl('http://10.0.0.1/', { httpsOnly: false, allowLoopback: true })).toThrow();
  });

  it('refuses all of 169.254.0.0/16, not only the metadata address 169.254.169.254 (issue 20 survivor)', () => {
    for (const host of ['169.254.0.0', '169.254.0.1', '169.254.1.1', '169.254.169.253', '169.254.255.255'])
      expect(refusedHost(host), host).toMatch(/link-local/);
    expect(refusedHost('169.253.255.255')).toBeUndefined();
    expect(refusedHost('169.255.0.0')).toBeUndefined();
  });

  it('stops each range exactly at its ends', () => {
    for (const [inside, outside] of [
      ['10.255.255.255', '11.0.0.0'],
      ['172.16.0.0', '172.15.255.255'],
      ['172.31.255.255', '172.32.0.0'],
      ['100.64.0.0', '100.63.255.255'],
      ['100.127.255.255', '100.128.0.0'],
      ['127.0.0.0', '126.255.255.255'],
      ['192.168.0.0', '192.167.255.255'],
    ])
      expect([refusedHost(inside as string) !== undefined, refusedHost(outside as string)]).toEqual([
        true,
        undefined,
      ]);
  });

  it('accepts public https receivers', () => {
    for (const url of [
      'https://hooks.slack.com/services/T000/B000/XXXX',
      'https://example.com/hook?x=1',
      'https://example.com./hook',
      'https://93.184.216.34/hook',
      'https://[2606:4700:4700::1111]/hook',
      'https://[::ffff:93.184.216.34]/hook',
      'https://[64:ff9b::5db8:d822]/hook',
    ])
      expect(checkWebhookUrl(url, { httpsOnly: true }), url).toBe(new URL(url).toString());
  });
});

describe('address forms', () => {
  it('reads IPv4 the way the URL parser does', () => {
    for (const text of [
      '127.0.0.1',
      '127.1',
      '0x7f.1',
      '0177.0.0.1',
      '2130706433',
      '0x7f000001',
      '127.0.0.1.',
    ])
      expect(parseIPv4(text), text).toBe(0x7f000001);
    for (const text of ['256.0.0.1', '1.2.3.4.5', '08.0.0.1', '1.2.3.4x', '', 'example.com'])
      expect(parseIPv4(text), text).toBeUndefined();
  });

  it('reads IPv6 with an IPv4 tail, a zone and every :: position', () => {
    expect(parseIPv6('::ffff:169.254.169.254')).toEqual([0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe]);
    expect(parseIPv6('[fe80::1%eth0]')).toEqual([0xfe80, 0, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('1:2:3:4:5:6:7::')).toEqual([1, 2, 3, 4, 5, 6, 7, 0]);
    for (const text of ['1::2::3', '1:2:3:4:5:6:7:8:9', '::ffff:1.2.3.256', 'g::1', '1:2:3'])
      expect(parseIPv6(text), text).toBeUndefined();
  });

  it('knows loopback addresses for local receivers only', () => {
    expect(['127.0.0.1', '127.0.0.2', '::1'].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(['10.0.0.1', '::', '::2', '0.0.0.0'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});

describe('resolved addresses', () => {
  const resolving =
    (...addresses: string[]): Resolver =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const check = (url: string, resolver: Resolver, allowLoopback = false) =>
    checkedAddresses(new URL(url), { httpsOnly: false, allowLoopback }, resolver);

  it('refuses a name that resolves to 127.0.0.1', async () => {
    await expect(check('https://hooks.example.com/', resolving('127.0.0.1'))).rejects.toThrow(
      OutboundRefusedError,
    );
  });

  it('refuses a name if any one of its addresses is internal', async () => {
    await expect(
      check('https://hooks.example.com/', resolving('93.184.216.34', '169.254.169.254')),
    ).rejects.toThrow(/169\.254\.169\.254/);
    await expect(
      check('https://hooks.example.com/', resolving('2606:4700::1', '::ffff:a00:1')),
    ).rejects.toThrow(/10\.0\.0\.1/);
    await expect(check('https://hooks.example.com/', resolving('fd00:ec2::254'))).rejects.toThrow(/metadata/);
    await expect(check('https://hooks.example.com/', resolving())).rejects.toThrow(/no address/);
  });

  it('lets localhost through with the flag only when every address is loopback', async () => {
    expect(await check('http://localhost:9/', resolving('::1', '127.0.0.1'), true)).toEqual([
      { address: '::1', family: 6 },
      { address: '127.0.0.1', family: 4 },
    ]);
    await expect(check('http://localhost:9/', resolving('127.0.0.1', '10.0.0.1'), true)).rejects.toThrow(
      /not loopback/,
    );
    await expect(check('http://localhost:9/', resolving('127.0.0.1'))).rejects.toThrow(/loopback/);
  });

  it('gives back every checked address of a public name, for the connection to use and nothing else', async () => {
    expect(await check('https://hooks.example.com/', resolving('93.184.216.34', '2606:4700::1'))).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1', family: 6 },
    ]);
  });
});

describe('WEBHOOK_ALLOW_LOOPBACK', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const policyWith = (env: Record<string, string | undefined>) => {
    for (const name of ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_LAMBDA_FUNCTION_NAME', 'WEBHOOK_ALLOW_LOOPBACK'])
      delete process.env[name];
    Object.assign(process.env, env);
    return webhookPolicy();
  };

  it('is off by default, on only with =1 against a local table, and never honoured in AWS', () => {
    const local = { AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' };
    expect(policyWith(local)).toEqual({ httpsOnly: false, allowLoopback: false });
    expect(policyWith({ ...local, WEBHOOK_ALLOW_LOOPBACK: '1' })).toEqual({
      httpsOnly: false,
      allowLoopback: true,
    });
    expect(policyWith({ ...local, WEBHOOK_ALLOW_LOOPBACK: 'true' }).allowLoopback).toBe(false);
    expect(policyWith({ WEBHOOK_ALLOW_LOOPBACK: '1' })).toEqual({ httpsOnly: true, allowLoopback: false });
    expect(
      policyWith({ ...local, WEBHOOK_ALLOW_LOOPBACK: '1', AWS_LAMBDA_FUNCTION_NAME: 'nps-deliverWebhooks' }),
    ).toEqual({ httpsOnly: true, allowLoopback: false });
  });
});
