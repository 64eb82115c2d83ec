import { runServiceProcess } from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";
import { serveAgent } from "./serve-agent.ts";

/**
 * The whole `main` of an agent service: `await runAgent(myAgent)`. Reads config from the environment, connects,
 * serves the agent, and stops cleanly on SIGTERM.
 */
export async function runAgent(agent: AgentDefinition): Promise<void> {
  await runServiceProcess({
    service: `agent-${agent.name}`,
    start: ({ bus, buckets, logger, metrics }) => serveAgent({ agent, bus, buckets, logger, metrics }),
  });
}
