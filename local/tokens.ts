/**
 * Local stand-in for the HTTP API JWT authorizer: tokens are RS256 JWTs signed by a key pair made at
 * start. Verification accepts RS256 only (no `none`, no HS256) and checks iss, aud, exp and nbf,
 * as API Gateway does.
 */
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';

export const LOCAL_AUDIENCE = 'partnerships-local';

export interface TokenAuthority {
  issuer: string;
  audience: string;
  issue: (claims: { sub: string; email: string }, options?: { expiresInSeconds?: number; notBefore?: number }) => Promise<string>;
  /** Returns the claims, or undefined when the token must be refused (401). */
  verify: (token: string) => Promise<JWTPayload | undefined>;
  /** For tests of refusals: sign with this authority's key but chosen claims. */
  signRaw: (payload: JWTPayload) => Promise<string>;
  /** The public verification key (what an issuer publishes as JWKS); tests forge HS256 tokens with it. */
  publicKey: () => Promise<{ jwk: JWK; pem: string }>;
}

export async function createTokenAuthority(issuer: string, audience = LOCAL_AUDIENCE): Promise<TokenAuthority> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    issuer,
    audience,
    issue: ({ sub, email }, options = {}) => {
      const jwt = new SignJWT({ email })
        .setProtectedHeader({ alg: 'RS256', kid: 'local' })
        .setSubject(sub)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresInSeconds ?? 3600));
      if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
      return jwt.sign(privateKey);
    },
    verify: async (token) => {
      try {
        // exp is required, as API Gateway requires it ("must be after the current time"): jose
        // alone would accept a token without exp, which never expires.
        const { payload } = await jwtVerify(token, publicKey, { issuer, audience, algorithms: ['RS256'], requiredClaims: ['exp'] });
        return payload;
      } catch {
        return undefined;
      }
    },
    signRaw: (payload) => new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'local' }).sign(privateKey),
    publicKey: async () => ({ jwk: await exportJWK(publicKey), pem: await exportSPKI(publicKey) }),
  };
}
