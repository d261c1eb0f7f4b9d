/** Small statistics for the tables. */

/** The median of a list of numbers (undefined for an empty list). */
export function median(values) {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** a / b, or undefined when either is missing. */
export function ratio(a, b) {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b;
}
