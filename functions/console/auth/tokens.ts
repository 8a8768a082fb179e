/**
 * Verifies the console's session tokens (Cognito ID tokens) with aws-jwt-verify, the same way in AWS and
 * locally: the JWKS is fetched by this module from the pool's JWKS URL (https in AWS, the emulator's http
 * locally) and loaded with `cacheJwks`; a token signed with a key id the cache lacks refetches it, at most
 * once a minute. Checks signature, issuer, token use (`id`), client id (`aud`) and expiry.
 */

import { createHash } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import { JwtExpiredError, KidNotFoundInJwksError } from 'aws-jwt-verify/error';
import { assertIsJwks } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Json } from 'aws-jwt-verify/safe-json-parse';
import { UnavailableError } from '#shared/core/errors.ts';
import { type Role, roleOfGroups } from '#shared/team/roles.ts';

export interface UserPool {
  /** The `iss` of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>` in AWS. */
  issuer: string;
  /** The console's app client: the `aud` of its ID tokens. */
  clientId: string;
}

/** Who a verified session belongs to. */
export interface SessionUser {
  sub: string;
  email: string;
  /** Undefined for a user in none of the role groups: signed in, allowed nothing. */
  role: Role | undefined;
  expiresAt: Date;
  /**
   * The sign-in this token belongs to: Cognito's `origin_jti` (shared by every token renewed from one
   * sign-in), else the token's `jti`, else a hash of the token. Sign out revokes it (revoked-sessions.ts).
   */
  sessionId: string;
}

/** The token was genuine but has expired: a refresh token may renew the session. */
export class SessionExpiredError extends Error {
  override name = 'SessionExpiredError';
}

/** Not a token of this pool and client: forged, altered, malformed, or meant for something else. */
export class InvalidSessionError extends Error {
  override name = 'InvalidSessionError';
}

/** The JWKS could not be fetched, so no token can be checked now. */
export class JwksUnavailableError extends UnavailableError {
  override name = 'JwksUnavailableError';
}

export type JwksFetcher = (url: string) => Promise<Json>;

const fetchJson: JwksFetcher = async (url) => {
  const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as Json;
};

export const jwksUrlOf = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;

export interface SessionVerifier {
  verify(idToken: string): Promise<SessionUser>;
}

export const createSessionVerifier = (
  pool: UserPool,
  options: { fetchJwks?: JwksFetcher; refetchAfterMs?: number } = {},
): SessionVerifier => {
  const fetchJwks = options.fetchJwks ?? fetchJson;
  const refetchAfterMs = options.refetchAfterMs ?? 60_000;
  const jwksUrl = jwksUrlOf(pool.issuer);
  const verifier = JwtVerifier.create({
    issuer: pool.issuer,
    jwksUri: jwksUrl,
    // The ID token's audience is the client id; validateCognitoJwtFields checks it with the token use.
    audience: null,
    customJwtCheck: ({ payload }) =>
      validateCognitoJwtFields(payload, { tokenUse: 'id', clientId: pool.clientId }),
  });

  let fetchedAt: number | undefined;
  let loading: Promise<void> | undefined;
  const load = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const jwks = await fetchJwks(jwksUrl);
        assertIsJwks(jwks);
        verifier.cacheJwks(jwks);
        fetchedAt = Date.now();
      } catch (error) {
        throw new JwksUnavailableError(`Could not load the user pool's keys from ${jwksUrl}`, {
          cause: error,
        });
      } finally {
        loading = undefined;
      }
    })();
    return loading;
  };

  const check = (idToken: string): JwtPayload => {
    try {
      return verifier.verifySync(idToken);
    } catch (error) {
      if (error instanceof JwtExpiredError)
        throw new SessionExpiredError('The session has expired', { cause: error });
      if (error instanceof KidNotFoundInJwksError) throw error;
      throw new InvalidSessionError('Not a session of this console', { cause: error });
    }
  };

  return {
    async verify(idToken) {
      if (fetchedAt === undefined) await load();
      let payload: JwtPayload;
      try {
        payload = check(idToken);
      } catch (error) {
        if (!(error instanceof KidNotFoundInJwksError)) throw error;
        // The pool may have rotated its keys; a token naming an unknown key refetches, but not on every request.
        if (Date.now() - (fetchedAt ?? 0) < refetchAfterMs)
          throw new InvalidSessionError('Signed with an unknown key', { cause: error });
        await load();
        try {
          payload = check(idToken);
        } catch (again) {
          if (again instanceof KidNotFoundInJwksError)
            throw new InvalidSessionError('Signed with an unknown key', { cause: again });
          throw again;
        }
      }
      const groups = payload['cognito:groups'];
      const { sub, email, exp, jti } = payload;
      const origin = payload.origin_jti;
      const sessionId =
        typeof origin === 'string'
          ? origin
          : typeof jti === 'string'
            ? jti
            : createHash('sha256').update(idToken).digest('hex');
      if (typeof sub !== 'string' || typeof email !== 'string' || typeof exp !== 'number')
        throw new InvalidSessionError('The token names no user');
      return {
        sub,
        email,
        role: roleOfGroups(Array.isArray(groups) ? groups.filter((g) => typeof g === 'string') : []),
        expiresAt: new Date(exp * 1000),
        sessionId,
      };
    },
  };
};
