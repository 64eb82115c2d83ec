// The refunds agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { refundsAgent } from "./agent.ts";

await runAgent(refundsAgent);
