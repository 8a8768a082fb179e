/**
 * A webhook POST that cannot be steered inside the network: the URL is checked again, its name resolved
 * (every address, by an injectable resolver), refused if any address is internal, and the connection pinned
 * to the address just checked, so a second lookup (DNS rebinding) never happens. No redirects are followed.
 */
import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isLoopbackAddress, isLoopbackHost, refusedHost } from './outbound-address.ts';
import { checkWebhookUrl, type WebhookPolicy } from './subscriptions.ts';

/** Every address a name resolves to (dns.lookup with `all`), or a test's stand-in. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export interface OutboundRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export type OutboundPost = (url: string, request: OutboundRequest) => Promise<{ status: number }>;

export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

/** The addresses to connect to: all of the name's addresses, once every one of them has passed. */
export const checkedAddresses = async (
  url: URL,
  policy: WebhookPolicy,
  resolver: Resolver,
): Promise<LookupAddress[]> => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses = literal ? [{ address: host, family: literal }] : await resolver(host);
  const loopback = Boolean(policy.allowLoopback) && !policy.httpsOnly && isLoopbackHost(url.hostname);
  for (const { address } of addresses) {
    const why = loopback
      ? isLoopbackAddress(address)
        ? undefined
        : `${address} is not loopback`
      : refusedHost(address);
    if (why) throw new OutboundRefusedError(`${url.hostname} resolves to ${address}: ${why}`);
  }
  if (addresses.length === 0) throw new OutboundRefusedError(`${url.hostname} resolves to no address`);
  return addresses;
};

/** POSTs through the checks above; resolves with the status, rejects when refused or the call fails. */
export const outboundPost =
  (policy: WebhookPolicy, resolver: Resolver = systemResolver): OutboundPost =>
  async (raw, request) => {
    const url = new URL(checkWebhookUrl(raw, policy));
    const pinned = await checkedAddresses(url, policy, resolver);
    // Only the addresses just checked, however often the socket asks (both families, for happy eyeballs).
    const lookup: LookupFunction = (_hostname, options, callback) => {
      const [first] = pinned as [LookupAddress];
      if (options.all) callback(null, pinned);
      else callback(null, first.address, first.family);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return await new Promise<{ status: number }>((resolve, reject) => {
      const call = send(
        url,
        {
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          lookup,
          // A fresh connection each time: a pooled socket would skip the check for a later call.
          agent: false,
          signal: AbortSignal.timeout(request.timeoutMs),
        },
        (response) => {
          response.on('error', reject);
          response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.resume();
        },
      );
      call.on('error', reject);
      call.end(request.body);
    });
  };
