import { bytesToHex, hexToBytes, randomBytes, safeEqual } from "./crypto";

// Production Workers reject PBKDF2 above 100 000 iterations (local workerd accepts more).
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(password),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BITS,
  );
  return bytesToHex(new Uint8Array(bits));
}

/** `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${bytesToHex(salt)}$${hash}`;
}

// Verified against when the user does not exist, so that the answer takes as long either way.
const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${"00".repeat(SALT_BYTES)}$${"00".repeat(HASH_BITS / 8)}`;

export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const [scheme, iterations, saltHex, hashHex] = (stored ?? DUMMY_HASH).split("$");
  if (scheme !== "pbkdf2-sha256" || !iterations || !saltHex || !hashHex) return false;
  const candidate = await derive(password, hexToBytes(saltHex), Number(iterations));
  return safeEqual(candidate, hashHex) && stored !== undefined;
}
