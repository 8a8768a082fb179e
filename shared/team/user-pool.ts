/**
 * The console's user pool as both runtimes create it: the CDK stack in AWS, the local runtime in the
 * cognito-local emulator. Roles are its groups; users sign in by email; tokens are short-lived and renewed
 * quietly with the refresh token for a working day.
 */
import { PASSWORD_POLICY } from './password-policy.ts';
import { ROLES } from './roles.ts';

export const USER_POOL = {
  name: 'nps-console',
  clientName: 'nps-console-web',
  groups: ROLES,
  passwordPolicy: PASSWORD_POLICY,
  tokenValidity: {
    /** ID and access tokens: how long a removed user or a lost role can linger at most. */
    idTokenMinutes: 15,
    accessTokenMinutes: 15,
    /** How long a session lasts without signing in again. */
    refreshTokenHours: 10,
  },
} as const;
