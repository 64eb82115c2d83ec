// `max_payload` in the prompt endpoint's metadata (§2.1): a positive integer followed by B, KB, MB or GB. The spec
// leaves the base open; NATS counts in 1024s, and so does this package.

const UNITS = [
  ["GB", 1024 ** 3],
  ["MB", 1024 ** 2],
  ["KB", 1024],
  ["B", 1],
] as const;

/** `1048576` → `"1MB"`: the largest unit that divides the size exactly. */
export function formatByteSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0)
    throw new Error(`a byte size must be a positive integer (got ${bytes})`);
  const [unit, size] = UNITS.find(([, size]) => bytes % size === 0) ?? ["B", 1];
  return `${bytes / size}${unit}`;
}

/** `"512KB"` → `524288`; `undefined` for a value that does not follow the grammar. */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(GB|MB|KB|B)\s*$/i.exec(text);
  if (match === null) return undefined;
  const size = UNITS.find(([unit]) => unit === match[2]?.toUpperCase())?.[1] ?? 1;
  const bytes = Number(match[1]) * size;
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
