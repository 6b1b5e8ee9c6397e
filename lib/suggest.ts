/**
 * "Did you mean ...?" for config keys, namespaces and names: the closest
 * candidate by edit distance. Pure.
 */

/**
 * Edit distance between two strings: insertions, deletions, substitutions
 * and swaps of two neighbouring characters each cost 1 (optimal string
 * alignment), so the typo "platfrom" is 1 away from "platform".
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `word` (case-insensitive), or undefined when even
 * the closest differs in more than `maxDistance` edits (default: a third of
 * the longer word, at least 2), so unrelated words get no suggestion.
 */
export function closest(word: string, candidates: readonly string[], maxDistance?: number): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word.toLowerCase(), c.toLowerCase());
    if (dist < bestDistance) {
      best = c;
      bestDistance = dist;
    }
  }
  if (best === undefined) return undefined;
  const limit = maxDistance ?? Math.max(2, Math.ceil(Math.max(word.length, best.length) / 3));
  return bestDistance <= limit ? best : undefined;
}

/** " (did you mean \"x\"?)" or "" : the tail of an error message. */
export function didYouMean(word: string, candidates: readonly string[], maxDistance?: number): string {
  const match = closest(word, candidates, maxDistance);
  return match !== undefined && match !== word ? `; did you mean "${match}"?` : "";
}
