/** Full-jitter exponential backoff: a random wait in [0, min(cap, base × 2^attempt)). */
export function backoffMs(attempt: number, random: () => number, baseMs = 500, capMs = 300_000) {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** A `Retry-After` header (seconds or an HTTP date) in ms, or null. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
