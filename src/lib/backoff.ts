/** Exponential delay by attempt (1, 2, 3, …): base, 2 × base, 4 × base, … capped at max. */
export function backoffSeconds(attempt: number, baseSeconds: number, maxSeconds: number): number {
  return Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
}
