import { runServiceProcess, setContentRedactor, type Logger } from "@switchyard/infra";
import type { AgentDefinition } from "./define-agent.ts";
import { serveAgent } from "./serve-agent.ts";

/** Options of {@link runAgent}. */
export type RunAgentOptions = {
  /**
   * Applied to every text of a prompt or reply before it goes on a trace, when content capture is on
   * (`OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`): mask what must not leave the service.
   */
  redactTraceContent?: (text: string) => string;
  /** Runs on SIGTERM once the agent took no more work and its running subtasks ended: close what the agent opened. */
  onStop?: (logger: Logger) => Promise<void>;
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
    start: async ({ bus, buckets, logger, metrics }) => {
      const served = await serveAgent({ agent, bus, buckets, logger, metrics });
      return {
        async stop() {
          await served.stop();
          await opts.onStop?.(logger);
        },
      };
    },
  });
}
