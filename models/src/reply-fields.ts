// Helpers for reading a provider's reply defensively: a proxy or a compatible server may send anything with a 200.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A field that should be a string, or `undefined` when it is not. */
export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
