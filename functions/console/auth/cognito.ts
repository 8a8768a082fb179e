/**
 * Signing in to the console through the Cognito user pool's public app client (USER_PASSWORD_AUTH, no
 * client secret): the password goes to Cognito over TLS and only tokens come back. The same calls run
 * against the cognito-local emulator locally.
 */
import {
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { errorName } from '#shared/store/conditions.ts';

export interface SessionTokens {
  idToken: string;
  /** Absent when a refresh renewed the ID token: the refresh token in hand stays valid. */
  refreshToken?: string;
}

export type SignInResult =
  | { kind: 'signedIn'; tokens: SessionTokens }
  /** Invited with a temporary password: a new one must be chosen within Cognito's session (3 minutes). */
  | { kind: 'newPasswordRequired'; session: string };

/** Wrong address or password (Cognito does not say which, and neither do we). */
export class SignInFailedError extends Error {
  override name = 'SignInFailedError';
}

/** The new password does not meet the pool's password policy. */
export class PasswordPolicyError extends Error {
  override name = 'PasswordPolicyError';
}

/** The challenge's session ran out (or was never valid); signing in again starts a new one. */
export class ChallengeExpiredError extends Error {
  override name = 'ChallengeExpiredError';
}

/** A step Cognito asks for that the console does not offer (e.g. an MFA code for a user who set one up). */
export class UnsupportedChallengeError extends Error {
  override name = 'UnsupportedChallengeError';
}

/** The refresh token is no longer accepted (signed out, revoked, expired, user removed). */
export class SessionEndedError extends Error {
  override name = 'SessionEndedError';
}

export interface AuthClient {
  cognito: CognitoIdentityProviderClient;
  clientId: string;
}

const REFUSED = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  // cognito-local answers a wrong password so; in AWS this name means a password the policy refuses.
  'InvalidPasswordException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
]);

type AuthOutput = {
  ChallengeName?: string | undefined;
  Session?: string | undefined;
  AuthenticationResult?: { IdToken?: string | undefined; RefreshToken?: string | undefined } | undefined;
};

const resultOf = (out: AuthOutput): SignInResult => {
  const idToken = out.AuthenticationResult?.IdToken;
  if (idToken) {
    const refreshToken = out.AuthenticationResult?.RefreshToken;
    return { kind: 'signedIn', tokens: { idToken, ...(refreshToken ? { refreshToken } : {}) } };
  }
  if (out.ChallengeName === 'NEW_PASSWORD_REQUIRED' && out.Session)
    return { kind: 'newPasswordRequired', session: out.Session };
  throw new UnsupportedChallengeError(`Cognito asks for ${out.ChallengeName ?? 'an unknown step'}`);
};

export const signIn = async (auth: AuthClient, email: string, password: string): Promise<SignInResult> => {
  try {
    const out = await auth.cognito.send(
      new InitiateAuthCommand({
        ClientId: auth.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    return resultOf(out);
  } catch (error) {
    if (REFUSED.has(errorName(error) ?? ''))
      throw new SignInFailedError('Wrong email or password', { cause: error });
    throw error;
  }
};

/** Answers NEW_PASSWORD_REQUIRED with the user's own password; signs them in. */
export const completeNewPassword = async (
  auth: AuthClient,
  challenge: { email: string; session: string },
  newPassword: string,
): Promise<SignInResult> => {
  try {
    const out = await auth.cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: auth.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: challenge.session,
        ChallengeResponses: { USERNAME: challenge.email, NEW_PASSWORD: newPassword },
      }),
    );
    return resultOf(out);
  } catch (error) {
    const name = errorName(error);
    if (name === 'InvalidPasswordException')
      throw new PasswordPolicyError('The new password does not meet the policy', { cause: error });
    if (
      name === 'NotAuthorizedException' ||
      name === 'CodeMismatchException' ||
      name === 'ExpiredCodeException'
    )
      throw new ChallengeExpiredError('The sign-in took too long; start again', { cause: error });
    throw error;
  }
};

/** A new ID token for a refresh token, without asking the user. */
export const refreshSession = async (auth: AuthClient, refreshToken: string): Promise<SessionTokens> => {
  try {
    const out = await auth.cognito.send(
      new InitiateAuthCommand({
        ClientId: auth.clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }),
    );
    const result = resultOf(out);
    if (result.kind !== 'signedIn') throw new SessionEndedError('Cognito asked for a challenge on refresh');
    return result.tokens;
  } catch (error) {
    if (error instanceof SessionEndedError) throw error;
    if (REFUSED.has(errorName(error) ?? ''))
      throw new SessionEndedError('The session can no longer be renewed', { cause: error });
    throw error;
  }
};

/** Revokes the refresh token (and in AWS the tokens issued from it); an already dead one is fine. */
export const revokeSession = async (auth: AuthClient, refreshToken: string): Promise<void> => {
  try {
    await auth.cognito.send(new RevokeTokenCommand({ ClientId: auth.clientId, Token: refreshToken }));
  } catch (error) {
    const name = errorName(error);
    if (name === 'NotAuthorizedException' || name === 'UnsupportedTokenTypeException') return;
    throw error;
  }
};
