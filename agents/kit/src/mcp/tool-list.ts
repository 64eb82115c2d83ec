import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { canonicalJson, sha256Hex } from "@switchyard/infra";
import { AgentKitError } from "../errors.ts";
import type { McpToolsOptions } from "./mcp-options.ts";

/**
 * Every tool name the options give — in `include`, `exclude`, `kinds` or `entities` — must be one the server lists:
 * a typo fails at start-up instead of leaving a tool with the wrong kind.
 */
export function checkToolNames(listed: readonly Tool[], options: McpToolsOptions, server: string): void {
  const names = new Set(listed.map((t) => t.name));
  const unknown = [
    ...(options.include ?? []).map((n) => ["include", n] as const),
    ...(options.exclude ?? []).map((n) => ["exclude", n] as const),
    ...Object.keys(options.kinds ?? {}).map((n) => ["kinds", n] as const),
    ...Object.keys(options.entities ?? {}).map((n) => ["entities", n] as const),
  ].filter(([, n]) => !names.has(n));
  if (unknown.length > 0) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `MCP server "${server}" lists no tool named ${unknown.map(([field, n]) => `"${n}" (in ${field})`).join(", ")}; ` +
        `it lists: ${[...names].join(", ") || "none"}`,
    );
  }
}

/** The server's tools that the options take: `include`, else all but `exclude`. */
export function selectTools(listed: readonly Tool[], options: McpToolsOptions): Tool[] {
  const include = options.include === undefined ? undefined : new Set(options.include);
  const exclude = new Set(options.exclude ?? []);
  return listed.filter((t) => (include === undefined || include.has(t.name)) && !exclude.has(t.name));
}

/** What the model would see of a tool, and what decides its kind: a change to any of it is a change of the tool. */
const essence = (t: Tool) =>
  canonicalJson({ description: t.description, inputSchema: t.inputSchema, annotations: t.annotations, title: t.title });

/** A digest of a tool list: equal lists, equal fingerprints (for logs, and to see at a glance that a list changed). */
export function toolListFingerprint(tools: readonly Tool[]): string {
  return sha256Hex(canonicalJson([...tools].sort(byName).map((t) => [t.name, essence(t)]))).slice(0, 16);
}

/** How the server's list now differs from the pinned one, by tool name (all empty: no difference). */
export function toolListChanges(
  pinned: readonly Tool[],
  now: readonly Tool[],
): { added: string[]; removed: string[]; changed: string[] } {
  const before = new Map(pinned.map((t) => [t.name, essence(t)]));
  const after = new Map(now.map((t) => [t.name, essence(t)]));
  return {
    added: [...after.keys()].filter((n) => !before.has(n)),
    removed: [...before.keys()].filter((n) => !after.has(n)),
    changed: [...after].filter(([n, e]) => before.has(n) && before.get(n) !== e).map(([n]) => n),
  };
}

const byName = (a: Tool, b: Tool) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
