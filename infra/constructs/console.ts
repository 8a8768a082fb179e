import { Duration, Fn, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENV, USER_POOL } from '../system.ts';
import type { SurveyFunction } from './survey-function.ts';

export interface ConsoleProps {
  /** The console function (FUNCTIONS.consoleHttp), which gets the pool's variables. */
  readonly function: SurveyFunction;
  /** Its own Function URL; the console lives under /console on it, the same paths as locally. */
  readonly url: FunctionUrl;
}

/** Lower precedence wins when Cognito picks one group: the highest role first. */
const PRECEDENCE = { admin: 1, editor: 2, viewer: 3 } as const;

/**
 * The console's users: a Cognito user pool (admins create users, no self sign-up, the password policy of
 * USER_POOL, optional TOTP MFA, Plus threat protection), one group per role, and the public app client the
 * console signs in through (USER_PASSWORD_AUTH and refresh; no secret, no hosted UI). Binds the pool to the
 * console function: USER_POOL_ID, USER_POOL_CLIENT_ID and USER_POOL_ISSUER (tokens are verified against the
 * JWKS beside the issuer). Public-client sign-in calls need no IAM grant, so the function gets none.
 */
export class ConsoleUsers extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** `https://<id>.lambda-url.<region>.on.aws/console` */
  readonly consoleUrl: string;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const policy = USER_POOL.passwordPolicy;
    const validity = USER_POOL.tokenValidity;

    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: policy.minLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireDigits,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(policy.temporaryPasswordValidityDays),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Your NPS console account',
        emailBody:
          'You have an account for the NPS console. Sign in with {username} and the temporary password {####}; you will then choose your own password.',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP) rather than required: the console has no MFA enrolment step yet, so requiring it would lock out every invited user. Plus threat protection (ENFORCED) blocks compromised passwords and asks users who set up MFA for it on risky sign-ins.',
    });

    for (const role of USER_POOL.groups) {
      new UserPoolGroup(this, `${role}Group`, {
        userPool: this.userPool,
        groupName: role,
        precedence: PRECEDENCE[role],
        description: `Console role ${role}`,
      });
    }

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: USER_POOL.clientName,
      generateSecret: false,
      authFlows: { userPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(validity.idTokenMinutes),
      accessTokenValidity: Duration.minutes(validity.accessTokenMinutes),
      refreshTokenValidity: Duration.hours(validity.refreshTokenHours),
    });

    const lambda = props.function.lambda;
    lambda.addEnvironment(ENV.userPoolId, this.userPool.userPoolId);
    lambda.addEnvironment(ENV.userPoolClientId, this.client.userPoolClientId);
    lambda.addEnvironment(ENV.userPoolIssuer, this.userPool.userPoolProviderUrl);
    this.consoleUrl = Fn.join('', [props.url.url, 'console']);
  }
}
