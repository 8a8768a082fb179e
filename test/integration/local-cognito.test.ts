/**
 * The local Cognito across restarts: `npm start` reopens the pool it created the first time, and the users
 * added since keep their roles (the emulator's CreateGroup replaces a group with its members, so the start-up
 * must only create the groups that are missing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalUserPool } from '#infra/local/cognito.ts';
import { listUsers } from '#shared/team/users.ts';
import { addConsoleUser, type CognitoLocal, startCognito } from '../support/console.ts';

let cognito: CognitoLocal;

beforeAll(async () => {
  cognito = await startCognito();
});
afterAll(async () => {
  await cognito?.stop();
});

/** Each user's role, as `nps user list` and the console's sign-in read it. */
const roles = async (): Promise<Record<string, string | null>> => {
  const users = await listUsers({ cognito: cognito.cognito, userPoolId: cognito.pool.userPoolId });
  return Object.fromEntries(users.map((user) => [user.email, user.role]));
};

describe('the local user pool', () => {
  it('is reopened on the next start with the same ids, and its users keep their roles', async () => {
    await addConsoleUser(cognito, 'restart.editor@example.com', 'editor');
    await addConsoleUser(cognito, 'restart.admin@example.com', 'admin');
    const before = { 'restart.editor@example.com': 'editor', 'restart.admin@example.com': 'admin' };
    expect(await roles()).toEqual(before);

    const reopened = await ensureLocalUserPool(cognito.cognito, cognito.stateDir, cognito.port);

    expect(reopened).toEqual(cognito.pool);
    expect(await roles()).toEqual(before);
  });
});
