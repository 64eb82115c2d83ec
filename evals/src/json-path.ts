// A small JSON path: `output.reply.subject`, `subtasks[0].status`, `subtasks[subtaskId=refund].output.decision`,
// `$.output.items[2]` — no wildcards, because an assertion must name one value.

const SEGMENT = /([^.[\]]+)|\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]/g;

/** The value at `path` in `root`, or undefined when a step is missing. */
export function valueAt(root: unknown, path: string): unknown {
  const trimmed = path.replace(/^\$\.?/, "");
  let current: unknown = root;
  for (const m of trimmed.matchAll(SEGMENT)) {
    if (current === null || typeof current !== "object") return undefined;
    if (m[3] !== undefined) {
      // `[field=value]`: the first element of an array whose field (as text) is value.
      if (!Array.isArray(current)) return undefined;
      current = current.find((el: unknown) => asText((el as Record<string, unknown> | null)?.[m[3] ?? ""]) === m[4]);
      continue;
    }
    const key = m[1] ?? Number(m[2]);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** The value as text: strings as they are, anything else as JSON. */
export function asText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEquals(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => jsonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
