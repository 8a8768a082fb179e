/**
 * `nps user …`: the console's users, in the user pool of whichever stack the CLI targets (the local
 * emulator's pool, or the deployed stack's `UserPoolId` output with --stage).
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { ENV } from '#shared/core/env.ts';
import { temporaryPassword } from '#shared/team/password-policy.ts';
import { addUser, type Invitation, listUsers, removeUser, type UserDirectory } from '#shared/team/users.ts';
import { command, group, UsageError } from '../command.ts';

const EMAIL = [{ name: 'EMAIL', what: 'an email address' }] as const;

/** The emulator (an endpoint other than AWS's) sends no email, so its invitations are printed instead. */
const emulated = (): boolean => Boolean(process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER);

const directory = (): UserDirectory => {
  const userPoolId = process.env[ENV.userPoolId];
  if (!userPoolId) {
    throw new Error(
      emulated()
        ? 'the local stack has no user pool yet; start it once with `npm start`'
        : 'the stack has no output UserPoolId; deploy this version of the stack (npx cdk deploy)',
    );
  }
  return { cognito: new CognitoIdentityProviderClient({ maxAttempts: 3 }), userPoolId };
};

/** Standard input to its end, without the line break `echo` adds. */
const passwordFromStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('--password-stdin read no password from standard input');
  return password;
};

const add = command({
  name: 'add',
  summary: 'add a console user with a role, or give an existing one this role',
  args: EMAIL,
  options: {
    role: {
      type: 'string',
      choices: ['admin', 'editor', 'viewer'],
      required: true,
      help: 'what they may do in the console',
    },
    'password-stdin': {
      type: 'boolean',
      help: 'read their permanent password from standard input; without it they are invited with a temporary one',
    },
  },
  run: async ({ args, options, store }) => {
    const password = options['password-stdin'] ? await passwordFromStdin() : undefined;
    const invitation: Invitation = emulated()
      ? { kind: 'temporaryPassword', password: temporaryPassword() }
      : { kind: 'email' };
    const { user, created } = await addUser(
      { ...directory(), contacts: store },
      {
        email: args.EMAIL,
        role: options.role,
        ...(password !== undefined ? { password } : { invitation }),
      },
    );
    const printed =
      created && password === undefined && invitation.kind === 'temporaryPassword'
        ? invitation.password
        : undefined;
    const text = !created
      ? `${user.email} is now ${options.role}${password !== undefined ? ', with the new password' : ''} (${user.status})`
      : password !== undefined
        ? `Added ${user.email} as ${options.role}; they can sign in now`
        : printed
          ? `Invited ${user.email} as ${options.role}; temporary password: ${printed} (they choose their own at first sign-in)`
          : `Invited ${user.email} as ${options.role}; Cognito emailed them a temporary password`;
    return { data: { ...user, created, ...(printed ? { temporaryPassword: printed } : {}) }, text };
  },
});

const list = command({
  name: 'list',
  summary: 'list the console users with their role and status',
  run: async () => {
    const users = await listUsers(directory());
    return {
      data: users,
      text:
        users
          .map(
            (u) =>
              `${u.email.padEnd(40)} ${(u.role ?? 'no role').padEnd(8)} ${u.status}${u.enabled ? '' : ' (disabled)'}`,
          )
          .join('\n') || 'No users yet; add one with `nps user add EMAIL --role admin --password-stdin`',
    };
  },
});

const remove = command({
  name: 'remove',
  summary: 'remove a console user; their session cannot be renewed',
  args: EMAIL,
  run: async ({ args }) => {
    const result = await removeUser(directory(), args.EMAIL);
    return {
      data: result,
      text: result.removed ? `Removed ${result.email}` : `${result.email} was not a user`,
    };
  },
});

export default group({
  name: 'user',
  summary: 'who may sign in to the console, and as what',
  commands: [add, list, remove],
});
