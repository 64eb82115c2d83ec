import { errorMessage } from "@switchyard/infra";
import type { AgentDefinition } from "../define-agent.ts";
import { runAgent, type RunAgentOptions } from "../run-agent.ts";
import type { McpToolset } from "./connect-mcp-tools.ts";

/**
 * `runAgent` for an agent with MCP tools: the same service, and on SIGTERM the MCP connections close after the agent
 * stopped taking work and its running subtasks finished — a stdio server's process is stopped, an HTTP session ended.
 */
export function runAgentWithMcp(
  agent: AgentDefinition,
  toolsets: readonly McpToolset[],
  opts: Omit<RunAgentOptions, "onStop"> = {},
): Promise<void> {
  return runAgent(agent, {
    ...opts,
    async onStop(logger) {
      for (const toolset of toolsets) {
        await toolset
          .close()
          .catch((err: unknown) =>
            logger.warn({ event: "mcp.close_failed", server: toolset.server, err: errorMessage(err) }, "MCP close"),
          );
      }
    },
  });
}
