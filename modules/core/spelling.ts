/**
 * "Did you mean": the closest known spelling of a mistyped word, for config keys and ICA regions
 * (validate) and for command and option names (the CLI). One measure, so every hint agrees.
 */

/** Levenshtein distance, ignoring case: "restrictToICA" is a spelling of "restrictToIca". */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/**
 * The candidate `input` is most likely a misspelling of: the nearest, when it is at most two edits
 * away (a third of the word for long words) and shares at least one letter with it, else undefined.
 */
export function closestSpelling(input: string, candidates: readonly string[]): string | undefined {
  const closest = candidates
    .map((candidate) => ({ candidate, distance: editDistance(input, candidate) }))
    .sort((a, b) => a.distance - b.distance)[0];
  if (!closest) return undefined;
  const near = closest.distance <= Math.max(2, Math.floor(input.length / 3)) && closest.distance < Math.max(input.length, closest.candidate.length);
  return near ? closest.candidate : undefined;
}
