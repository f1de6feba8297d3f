/**
 * Who may call the API: the HTTP API's JWT authorizer and, by default, the identity provider that
 * issues the tokens (a Cognito user pool with one public app client). With the CDK context keys
 * `jwtIssuer` and `jwtAudience` (comma-separated) the authorizer trusts an external OIDC issuer
 * instead, and no user pool is created.
 *
 * Handlers read the `sub` and `email` claims: with Cognito, clients send the ID token (its `aud` is
 * the app client id and it carries `email`; the access token has neither).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { AccountRecovery, FeaturePlan, Mfa, UserPool, UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

export interface ApiIdentityProps {
  /** External OIDC issuer URL (CDK context `jwtIssuer`); with it, no user pool is created. */
  jwtIssuer?: string;
  /** Accepted `aud` values (CDK context `jwtAudience`); required with jwtIssuer. */
  jwtAudience?: string[];
}

export class ApiIdentity extends Construct {
  readonly authorizer: IHttpRouteAuthorizer;
  readonly issuer: string;
  readonly userPool?: UserPool;
  readonly userPoolClient?: UserPoolClient;

  constructor(scope: Construct, id: string, props: ApiIdentityProps = {}) {
    super(scope, id);
    if (props.jwtIssuer) {
      const audience = props.jwtAudience ?? [];
      if (audience.length === 0) {
        throw new Error('CDK context jwtIssuer needs jwtAudience (the client id(s) your issuer puts in `aud`).');
      }
      if (!/^https:\/\//.test(props.jwtIssuer)) throw new Error('CDK context jwtIssuer must be an https:// URL.');
      this.issuer = props.jwtIssuer;
      this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, { jwtAudience: audience });
      return;
    }

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: true,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      // A changed email only reaches the token once verified: handlers trust the `email` claim.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP offered, no SMS): partners from other organizations self-register; forcing MFA ' +
        'on every user is a product decision left to the operator (set mfa: REQUIRED).',
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Essentials feature plan: the Plus plan (threat protection) is billed per monthly active user; the ' +
        'operator can switch featurePlan to PLUS without other changes.',
    });
    this.userPoolClient = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      enableTokenRevocation: true,
    });
    this.issuer = `https://cognito-idp.${this.userPool.stack.region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('JwtAuthorizer', this.issuer, {
      jwtAudience: [this.userPoolClient.userPoolClientId],
    });
  }
}
