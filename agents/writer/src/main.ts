// The writer agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { writerAgent } from "./agent.ts";

await runAgent(writerAgent);
