// The triage agent as a service: TRIAGE_MODEL, OPENAI_API_KEY and, for an OpenAI-compatible server, OPENAI_BASE_URL
// configure the model; NATS_URL, SY_PREFIX, … the bus. One replica per process; run more processes to scale it.
// Named `serve.ts`, not `main.ts`, so `switchyard up` (which starts every agent's `src/main.ts` with no model server
// needed) leaves this example out: it needs a real model server and is started on purpose.
import { runAgent } from "@switchyard/agent-kit";
import { createTriageAgent } from "./agent.ts";
import { triageModelFromEnv } from "./model-from-env.ts";

await runAgent(createTriageAgent({ model: triageModelFromEnv() }));
