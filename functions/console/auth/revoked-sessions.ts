/**
 * Sign out ends the session on the server, not only in the browser: the sign-in's id (SessionUser.sessionId)
 * goes on a revoked list, one item per session with a TTL past the last moment any of its ID tokens can be
 * valid, and the console's guard treats a token on the list as no session. Without it a copied cookie would
 * work until its ID token expired (15 minutes), since the tokens are verified without asking Cognito.
 */
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { TableStore } from '#shared/store/table.ts';
import { revokedSessionKey } from '#shared/team/keys.ts';
import { USER_POOL } from '#shared/team/user-pool.ts';
import type { SessionUser } from './tokens.ts';

const keyOf = (sessionId: string) =>
  revokedSessionKey(createHash('sha256').update(`nps-session:${sessionId}`).digest('hex').slice(0, 32));

/** Puts the session on the revoked list until no token of it can still be valid. */
export const revokeSignIn = async (
  store: TableStore,
  user: Pick<SessionUser, 'sessionId' | 'expiresAt'>,
  now: Date,
): Promise<void> => {
  // A token renewed just before sign out (elsewhere) may outlive the one in hand, by at most its validity.
  const latest = Math.max(
    user.expiresAt.getTime(),
    now.getTime() + USER_POOL.tokenValidity.idTokenMinutes * 60_000,
  );
  await store.ddb.send(
    new PutCommand({
      TableName: store.table,
      Item: { ...keyOf(user.sessionId), expiresAt: Math.ceil(latest / 1000) + 60 },
    }),
  );
};

/** Whether the session was signed out. */
export const isSignedOut = async (
  store: TableStore,
  user: Pick<SessionUser, 'sessionId'>,
): Promise<boolean> => {
  const { Item } = await store.ddb.send(
    new GetCommand({ TableName: store.table, Key: keyOf(user.sessionId) }),
  );
  return Item !== undefined;
};
