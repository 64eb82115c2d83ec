import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { ToolKind } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import { defineTool, type ToolDefinition } from "../define-tool.ts";
import { AgentKitError } from "../errors.ts";
import { jsonSchemaInput } from "./json-schema-input.ts";
import type { McpConnection } from "./mcp-connection.ts";
import { McpToolCallError, McpToolOutput, toolOutputOf } from "./mcp-result.ts";

/**
 * The `_meta` key under which a write call carries its effect key to the server: a server that keeps idempotency
 * keys can use it to run a retried call once, like an `Idempotency-Key` header.
 */
export const MCP_IDEMPOTENCY_META_KEY = "switchyard/idempotency-key";

/**
 * The kind of an MCP tool: the author's choice when given, else what the server's annotations say —
 * `destructiveHint: true` → destructive (also when it claims `readOnlyHint` too: the safer reading),
 * `readOnlyHint: true` → read, otherwise write (no claim either way: it may change something).
 */
export function kindOf(tool: Tool, chosen: ToolKind | undefined): ToolKind {
  if (chosen !== undefined) return chosen;
  if (tool.annotations?.destructiveHint === true) return "destructive";
  if (tool.annotations?.readOnlyHint === true) return "read";
  return "write";
}

/** The Switchyard name of an MCP tool: `prefix` + its name lower-cased, with any character outside [a-z0-9_] as `_`. */
export function switchyardToolName(mcpName: string, prefix = ""): string {
  return `${prefix}${mcpName.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

/** What becomes of one MCP tool. */
export type McpToolPlan = { tool: Tool; name: string; kind: ToolKind; entities: string[] | undefined };

/**
 * One MCP tool as a Switchyard tool: its arguments checked against its JSON Schema before any call, its calls made
 * on `connection` under the run's abort signal, its result as {@link McpToolOutput}. The agent loop enforces its
 * kind like any tool's (a write through the effects ledger, a destructive call as a proposal).
 */
export function mcpToolDefinition(plan: McpToolPlan, connection: McpConnection, server: string): ToolDefinition {
  const { tool, name, kind } = plan;
  const where = `MCP tool "${tool.name}" of server "${server}"`;
  try {
    return defineTool({
      name,
      description: tool.description ?? tool.title ?? tool.annotations?.title ?? tool.name,
      kind,
      input: jsonSchemaInput(tool.inputSchema),
      output: McpToolOutput,
      entities: plan.entities,
      run: async (args, ctx) => {
        const meta = kind === "write" ? { [MCP_IDEMPOTENCY_META_KEY]: ctx.effectKey } : {};
        try {
          return toolOutputOf(await connection.callTool(tool.name, args, meta, ctx.signal));
        } catch (err) {
          if (err instanceof McpToolCallError) throw err;
          throw new Error(`MCP server "${server}" could not run ${tool.name}: ${errorMessage(err)}`, { cause: err });
        }
      },
    });
  } catch (err) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `${where} cannot be used: ${errorMessage(err)} (set kinds, prefix or exclude in the MCP tools options)`,
      { cause: err },
    );
  }
}
