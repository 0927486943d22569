// Terminal states in words, for the admin's table and the owner's dashboard.

/** "just now", "12 min ago", "2 h ago", "3 days ago". */
export function ago(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** "none", or "4, 7–9" (at most five ranges, then how many more). */
export function gapsText(gaps: readonly [number, number][]): string {
  if (gaps.length === 0) return "none";
  const shown = gaps.slice(0, 5).map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`));
  return gaps.length > 5 ? `${shown.join(", ")} and ${gaps.length - 5} more` : shown.join(", ");
}
