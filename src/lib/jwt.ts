import { errors, jwtVerify, SignJWT } from "jose";

const ISSUER = "retail-edge";
const ALGORITHM = "HS256";
export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 30 * 24 * 60 * 60;

export type TokenType = "access" | "refresh";
export type TokenClaims = { sub: string; typ: TokenType; company_id: number | null };

export async function signToken(
  key: Uint8Array,
  claims: TokenClaims,
  now: Date = new Date(),
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const ttl = claims.typ === "access" ? ACCESS_TTL_SECONDS : REFRESH_TTL_SECONDS;
  return new SignJWT({ typ: claims.typ, company_id: claims.company_id })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(crypto.randomUUID())
    .sign(key);
}

/**
 * Checks signature, `exp`, issuer and algorithm (only HS256: `alg: none` and others are refused).
 * Returns null for any token that is not valid, so callers answer 401 without detail.
 */
export async function verifyToken(
  key: Uint8Array,
  token: string,
  expected: TokenType,
): Promise<TokenClaims | null> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], issuer: ISSUER });
    if (payload.typ !== expected || typeof payload.sub !== "string") return null;
    const companyId = typeof payload.company_id === "number" ? payload.company_id : null;
    return { sub: payload.sub, typ: expected, company_id: companyId };
  } catch (error) {
    if (error instanceof errors.JOSEError) return null;
    throw error;
  }
}
