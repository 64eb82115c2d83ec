// The classifier agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { classifierAgent } from "./agent.ts";

await runAgent(classifierAgent);
