/**
 * Every string and number a JSON value holds, at any depth, as strings: the entities a structured input or a tool's
 * output names. Used to bind consequential calls to entities a run was given or has read.
 */
export function leafValues(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string" || typeof value === "number") into.add(String(value));
  else if (Array.isArray(value)) for (const v of value) leafValues(v, into);
  else if (value !== null && typeof value === "object") for (const v of Object.values(value)) leafValues(v, into);
  return into;
}
