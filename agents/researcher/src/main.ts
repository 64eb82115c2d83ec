// The researcher agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { researcherAgent } from "./agent.ts";

await runAgent(researcherAgent);
