/**
 * The console's users, managed in the Cognito user pool (the CLI's `nps user …`): one role group each,
 * sign-in by email. Users are created by an admin only; the pool allows no self sign-up.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  type CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { normaliseEmail, refuseErased } from '#shared/contacts/contacts.ts';
import { ValidationError } from '#shared/core/errors.ts';
import { errorName } from '#shared/store/conditions.ts';
import type { TableStore } from '#shared/store/table.ts';
import { passwordProblems } from './password-policy.ts';
import { ROLES, type Role, roleOfGroups } from './roles.ts';

export interface UserDirectory {
  cognito: CognitoIdentityProviderClient;
  userPoolId: string;
  /** The stack's table: an erased person's address is not made a user (every door passes it). */
  contacts?: TableStore;
}

export interface ConsoleUser {
  email: string;
  role: Role | null;
  /** Cognito's status: CONFIRMED, FORCE_CHANGE_PASSWORD (invited, not signed in yet), … */
  status: string;
  enabled: boolean;
}

export type Invitation =
  /** Cognito emails the invitation with a temporary password (AWS). */
  | { kind: 'email' }
  /** No email is sent; the caller hands over this temporary password itself (the local emulator sends none). */
  | { kind: 'temporaryPassword'; password: string };

const emailOf = (raw: string): string => {
  const email = normaliseEmail(raw);
  if (!email) throw new ValidationError(`"${raw.slice(0, 80)}" is not an email address`, { field: 'email' });
  return email;
};

const checkPassword = (password: string): void => {
  const problems = passwordProblems(password);
  if (problems.length > 0)
    throw new ValidationError(`The password is too weak (${problems.join(', ')})`, { field: 'password' });
};

const attribute = (user: UserType, name: string): string | undefined =>
  user.Attributes?.find((a) => a.Name === name)?.Value;

/** The pool's own username of an email (its `sub` where email is the sign-in alias), or undefined. */
const usernameOf = async (directory: UserDirectory, email: string): Promise<string | undefined> => {
  try {
    const out = await directory.cognito.send(
      new AdminGetUserCommand({ UserPoolId: directory.userPoolId, Username: email }),
    );
    return out.Username;
  } catch (error) {
    if (errorName(error) === 'UserNotFoundException') return undefined;
    throw error;
  }
};

const setRole = async (directory: UserDirectory, username: string, role: Role): Promise<void> => {
  const pool = directory.userPoolId;
  await directory.cognito.send(
    new AdminAddUserToGroupCommand({ UserPoolId: pool, Username: username, GroupName: role }),
  );
  for (const other of ROLES.filter((r) => r !== role)) {
    await directory.cognito.send(
      new AdminRemoveUserFromGroupCommand({ UserPoolId: pool, Username: username, GroupName: other }),
    );
  }
};

/**
 * Adds a user with a role, or gives an existing one this role. With `password` it is set as their permanent
 * password; otherwise a new user is invited. A user created here is removed again if a later step fails.
 */
export const addUser = async (
  directory: UserDirectory,
  input: { email: string; role: Role; password?: string; invitation?: Invitation },
): Promise<{ user: ConsoleUser; created: boolean }> => {
  const email = emailOf(input.email);
  if (input.password !== undefined) checkPassword(input.password);
  if (directory.contacts) await refuseErased(directory.contacts, email, 'email');
  const pool = directory.userPoolId;
  let username = await usernameOf(directory, email);
  const created = username === undefined;
  if (username === undefined) {
    const invitation = input.invitation ?? { kind: 'email' };
    const out = await directory.cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: pool,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        DesiredDeliveryMediums: ['EMAIL'],
        ...(input.password !== undefined || invitation.kind === 'temporaryPassword'
          ? { MessageAction: 'SUPPRESS' as const }
          : {}),
        ...(invitation.kind === 'temporaryPassword' ? { TemporaryPassword: invitation.password } : {}),
      }),
    );
    username = out.User?.Username ?? email;
  }
  try {
    if (input.password !== undefined) {
      await directory.cognito.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: pool,
          Username: username,
          Password: input.password,
          Permanent: true,
        }),
      );
    }
    await setRole(directory, username, input.role);
  } catch (error) {
    if (created)
      await directory.cognito.send(new AdminDeleteUserCommand({ UserPoolId: pool, Username: username }));
    if (errorName(error) === 'InvalidPasswordException')
      throw new ValidationError('The user pool refused the password', { field: 'password', cause: error });
    throw error;
  }
  const out = await directory.cognito.send(new AdminGetUserCommand({ UserPoolId: pool, Username: username }));
  return {
    user: { email, role: input.role, status: out.UserStatus ?? 'UNKNOWN', enabled: out.Enabled ?? true },
    created,
  };
};

const allPages = async <T>(
  page: (token?: string) => Promise<{ items: T[]; next?: string }>,
): Promise<T[]> => {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const out = await page(token);
    items.push(...out.items);
    token = out.next;
  } while (token);
  return items;
};

/** Every user with their role (highest group), sorted by email. */
export const listUsers = async (directory: UserDirectory): Promise<ConsoleUser[]> => {
  const pool = directory.userPoolId;
  const users = await allPages(async (token) => {
    const out = await directory.cognito.send(
      new ListUsersCommand({ UserPoolId: pool, ...(token ? { PaginationToken: token } : {}) }),
    );
    return { items: out.Users ?? [], ...(out.PaginationToken ? { next: out.PaginationToken } : {}) };
  });
  const groups = new Map<string, string[]>();
  for (const role of ROLES) {
    const members = await allPages(async (token) => {
      const out = await directory.cognito.send(
        new ListUsersInGroupCommand({
          UserPoolId: pool,
          GroupName: role,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      return { items: out.Users ?? [], ...(out.NextToken ? { next: out.NextToken } : {}) };
    });
    for (const member of members) {
      const name = member.Username ?? '';
      groups.set(name, [...(groups.get(name) ?? []), role]);
    }
  }
  return users
    .map((user) => ({
      email: attribute(user, 'email') ?? user.Username ?? '',
      role: roleOfGroups(groups.get(user.Username ?? '') ?? []) ?? null,
      status: user.UserStatus ?? 'UNKNOWN',
      enabled: user.Enabled ?? true,
    }))
    .sort((a, b) => a.email.localeCompare(b.email));
};

/** Deletes the user; their sessions can no longer be renewed. */
export const removeUser = async (
  directory: UserDirectory,
  rawEmail: string,
): Promise<{ email: string; removed: boolean }> => {
  const email = emailOf(rawEmail);
  const username = await usernameOf(directory, email);
  if (username === undefined) return { email, removed: false };
  await directory.cognito.send(
    new AdminDeleteUserCommand({ UserPoolId: directory.userPoolId, Username: username }),
  );
  return { email, removed: true };
};
