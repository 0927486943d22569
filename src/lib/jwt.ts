import { errors, jwtVerify, SignJWT } from "jose";

const ISSUER = "retail-edge";
// Tokens are for this API only: another service's token with our key is still refused.
export const AUDIENCE = "retail-edge-api";
const ALGORITHM = "HS256";
export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

export type TokenType = "access" | "refresh";

/** Only the user's id travels in the token; everything else comes from the user's row. */
export async function signToken(
  key: Uint8Array,
  claims: { userId: number; typ: TokenType },
  now: Date = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const ttl = claims.typ === "access" ? ACCESS_TTL_SECONDS : REFRESH_TTL_SECONDS;
  return new SignJWT({ typ: claims.typ })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(String(claims.userId))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(crypto.randomUUID())
    .sign(key);
}

/**
 * Checks the signature (HS256 only: `alg: none` and others are refused), `iss`, `aud`, `exp`
 * and `iat` (both required), the token type and a numeric `sub`. Returns the user id, or null
 * for any token that is not valid, so callers answer 401 without detail.
 */
export async function verifyToken(
  key: Uint8Array,
  token: string,
  expected: TokenType,
): Promise<number | null> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ["exp", "iat", "sub"],
    });
    if (payload.typ !== expected || !/^[1-9][0-9]{0,15}$/.test(payload.sub ?? "")) return null;
    const userId = Number(payload.sub);
    return Number.isSafeInteger(userId) ? userId : null;
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}
