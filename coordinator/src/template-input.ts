import type { Goal } from "@switchyard/contracts";

/** What a reference in a template input can point at. */
export type ReferenceScope = { goal: Goal; upstream: Record<string, unknown> };

function walk(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function resolveReference(ref: string, scope: ReferenceScope): unknown {
  const [root, ...path] = ref.split(".");
  if (root === "goal") return walk(scope.goal, path);
  if (root === "upstream") return walk(scope.upstream, path);
  return undefined;
}

/**
 * Replaces every string that is a whole reference (`"$goal.text"`, `"$goal.input.customerId"`,
 * `"$upstream.research.answer"`) with the value it names, at any depth; `"$$x"` stands for the literal `"$x"`.
 * A reference to nothing becomes `undefined`, so the agent's input schema reports the missing field.
 */
export function resolveTemplateInput(input: unknown, scope: ReferenceScope): unknown {
  if (typeof input === "string") {
    if (input.startsWith("$$")) return input.slice(1);
    if (input.startsWith("$goal.") || input.startsWith("$upstream.")) return resolveReference(input.slice(1), scope);
    return input;
  }
  if (Array.isArray(input)) return input.map((v) => resolveTemplateInput(v, scope));
  if (input !== null && typeof input === "object") {
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, resolveTemplateInput(v, scope)]));
  }
  return input;
}
