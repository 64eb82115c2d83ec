import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { createLogger, errorMessage } from "@switchyard/infra";
import type { ToolDefinition } from "../define-tool.ts";
import { AgentKitError } from "../errors.ts";
import { openMcpConnection, type McpConnection } from "./mcp-connection.ts";
import { checkMcpToolsOptions, describeServer, type McpToolsOptions } from "./mcp-options.ts";
import { kindOf, mcpToolDefinition, switchyardToolName, type McpToolPlan } from "./mcp-tool.ts";
import { checkToolNames, selectTools, toolListChanges, toolListFingerprint } from "./tool-list.ts";

/** The tools of one MCP server, as Switchyard tools, pinned when it was connected. */
export type McpToolset = {
  /** The server's name: the `name` option, else the name the server reports. */
  readonly server: string;
  /** The tools, fixed for the life of this toolset: give them to `defineAgent`. */
  readonly tools: readonly ToolDefinition[];
  /** A digest of the pinned list (names, descriptions, schemas, annotations), as logged at start. */
  readonly fingerprint: string;
  /** Closes the connection: a stdio server's process is stopped, an HTTP session ended. Calls after it fail. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Connects to an MCP server (stdio or streamable HTTP), lists its tools and turns each into a Switchyard tool: kind
 * from the author's `kinds`, else from the server's annotations; arguments checked against the tool's JSON Schema
 * before any call; the result's text and structured content as output, `isError` as a tool error.
 *
 * The list is pinned: the tools are fixed here, at service start, for the life of the process, and a server that
 * later announces another list (or lists another one after a reconnect) is logged (`mcp.tools.changed`, a warning)
 * and not followed — restart the service to take the new list. Why: a run must see one tool list from start to end,
 * and a run that resumes (after an approval, an answer, a crash) replays its journal of model responses, which
 * named tools from that list; the agent card and the response cache key carry the list too. A tool list fixed at
 * start is exactly what a tool written in code is, so everything that holds for those holds here; a restart is a
 * deploy like any code change. It also keeps a server from swapping a tool's description for an injected
 * instruction under a running agent.
 */
export async function connectMcpTools(options: McpToolsOptions): Promise<McpToolset> {
  checkMcpToolsOptions(options);
  const logger = (options.logger ?? createLogger({ service: "mcp-tools" })).child({
    mcp: options.name ?? describeServer(options),
  });
  let pinned: Tool[] | undefined;
  const onToolsListed = (now: Tool[]) => {
    if (pinned === undefined) return;
    const changes = toolListChanges(pinned, selectTools(now, options));
    if (changes.added.length + changes.removed.length + changes.changed.length === 0) return;
    logger.warn(
      { event: "mcp.tools.changed", ...changes, pinned: toolListFingerprint(pinned) },
      "the MCP server now lists other tools; this service keeps the list it started with — restart it to take the new one",
    );
  };
  let connection: McpConnection;
  try {
    connection = await openMcpConnection(options, { logger, onToolsListed });
  } catch (err) {
    throw new AgentKitError("SY_ERR_AGENT_DEFINITION", "third_party", `MCP tools: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  try {
    const server = options.name ?? connection.serverName;
    const listed = await connection.listTools();
    checkToolNames(listed, options, server);
    const selected = selectTools(listed, options);
    const plans = selected.map((tool): McpToolPlan => ({
      tool,
      name: switchyardToolName(tool.name, options.prefix),
      kind: kindOf(tool, options.kinds?.[tool.name]),
      entities: options.entities?.[tool.name],
    }));
    checkDistinctNames(plans, server);
    const tools = plans.map((plan) => mcpToolDefinition(plan, connection, server));
    pinned = selected;
    const fingerprint = toolListFingerprint(selected);
    logger.info(
      { event: "mcp.tools.pinned", server, tools: plans.map((p) => `${p.name}:${p.kind}`), fingerprint },
      `pinned ${tools.length} tools of MCP server ${server}`,
    );
    const close = () => connection.close();
    return Object.freeze({ server, tools: Object.freeze(tools), fingerprint, close, [Symbol.asyncDispose]: close });
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/** Two MCP names that map to one Switchyard name (`get-rows`, `get_rows`) would make one tool shadow the other. */
function checkDistinctNames(plans: readonly McpToolPlan[], server: string): void {
  const byName = new Map<string, string>();
  for (const { name, tool } of plans) {
    const other = byName.get(name);
    if (other !== undefined) {
      throw new AgentKitError(
        "SY_ERR_AGENT_DEFINITION",
        "caller",
        `MCP server "${server}": tools "${other}" and "${tool.name}" both become "${name}"; exclude one of them`,
      );
    }
    byName.set(name, tool.name);
  }
}
