/**
 * DNS rebinding: a page the developer visits can point its own name at 127.0.0.1 and then read the local
 * stack as same-origin. The browser still sends its name in `Host`, so every local port that can check it
 * answers only this machine's names: localhost, 127.0.0.1, [::1] (any port), the configured HOST and, when
 * HOST opens the stack to the network, this machine's own host name and interface addresses.
 */
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { LOOPBACK } from './environment.ts';

const bracketed = (address: string): string => (address.includes(':') ? `[${address}]` : address);

/** The names a request to the local stack may carry in `Host`, lower-case, without a port. */
export const allowedHostNames = (configuredHost: string = LOOPBACK): ReadonlySet<string> => {
  const names = new Set(['localhost', '127.0.0.1', '[::1]', bracketed(configuredHost)]);
  if (configuredHost !== LOOPBACK) {
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? [])
        names.add(bracketed(address.address.split('%')[0] ?? '').toLowerCase());
  }
  return names;
};

/** The host part of a `Host` header: `name`, `1.2.3.4` or `[v6]`, without the port; undefined if malformed. */
export const hostOf = (header: string | undefined): string | undefined => {
  if (!header) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return match?.[1]?.toLowerCase();
};

export const hostAllowed = (header: string | undefined, allowed: ReadonlySet<string>): boolean => {
  const host = hostOf(header);
  return host !== undefined && allowed.has(host);
};

/** Answers 421 to a request for another name and returns true; false lets it through. */
export const refusedForeignHost = (
  req: IncomingMessage,
  res: ServerResponse,
  allowed: ReadonlySet<string>,
): boolean => {
  if (hostAllowed(req.headers.host, allowed)) return false;
  req.resume();
  res
    .writeHead(421, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
    .end('Misdirected request: the local stack answers only localhost and 127.0.0.1\n');
  return true;
};

/** Puts the Host check in front of an in-process server's own request handling (the SES emulator, S3). */
export const guardHost = (server: Server, allowed: ReadonlySet<string>): Server => {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (refusedForeignHost(req, res, allowed)) return;
    for (const handler of handlers) handler.call(server, req, res);
  });
  return server;
};

/**
 * A Host-checking proxy on `host`:`port` for a service in another process listening on 127.0.0.1:`target`
 * (cognito-local). Headers, Host included, pass unchanged, so signatures over them still verify.
 */
export const startHostGuardProxy = (o: {
  port: number;
  host: string;
  target: number;
  allowed: ReadonlySet<string>;
}): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer((req, res) => {
      if (refusedForeignHost(req, res, o.allowed)) return;
      const upstream = httpRequest(
        { host: LOOPBACK, port: o.target, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad gateway\n');
      });
      req.pipe(upstream);
    });
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
