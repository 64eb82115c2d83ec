// The report agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { reportAgent } from "./agent.ts";

await runAgent(reportAgent);
