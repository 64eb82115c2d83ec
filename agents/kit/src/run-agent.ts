import { runServiceProcess, setContentRedactor } from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";
import { serveAgent } from "./serve-agent.ts";

/** Options of {@link runAgent}. */
export type RunAgentOptions = {
  /**
   * Applied to every text of a prompt or reply before it goes on a trace, when content capture is on
   * (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`): mask what must not leave the service.
   */
  redactTraceContent?: (text: string) => string;
};

/**
 * The whole `main` of an agent service: `await runAgent(myAgent)`. Reads config from the environment, connects,
 * serves the agent, and stops cleanly on SIGTERM.
 */
export async function runAgent(agent: AgentDefinition, opts: RunAgentOptions = {}): Promise<void> {
  if (opts.redactTraceContent !== undefined) setContentRedactor(opts.redactTraceContent);
  await runServiceProcess({
    service: `agent-${agent.name}`,
    role: "agent",
    start: ({ bus, buckets, logger, metrics }) => serveAgent({ agent, bus, buckets, logger, metrics }),
  });
}
