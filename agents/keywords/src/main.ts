// The keywords agent service: one replica per process; run more processes to scale it.
import { runAgent } from "@switchyard/agent-kit";
import { keywordsAgent } from "./agent.ts";

await runAgent(keywordsAgent);
