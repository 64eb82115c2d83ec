// One replica of a bench agent as its own process, as an agent is deployed:
//   node --import tsx test/bench/bench-agent-main.ts <echo|sleeper>
// Configured by the environment like any service (NATS_URL, SY_PREFIX, SY_MAX_IN_FLIGHT, …; see infra/src/config.ts).
// Prints `ready <agent>` on stdout once it takes subtasks (logging is off in the bench, so nothing else is printed
// there): the harness (process-stack.ts) counts these lines to know how many replicas serve.
import { serveAgent } from "@switchyard/agent-kit";
import { runServiceProcess } from "@switchyard/infra";
import { BENCH_AGENTS, type BenchAgentName } from "./bench-agents.ts";

const name = process.argv[2];
if (name === undefined || !Object.hasOwn(BENCH_AGENTS, name)) {
  process.stderr.write(`usage: bench-agent-main.ts <${Object.keys(BENCH_AGENTS).join("|")}> (got ${String(name)})\n`);
  process.exit(2);
}
const agent = BENCH_AGENTS[name as BenchAgentName];

await runServiceProcess({
  service: `agent-${agent.name}`,
  role: "agent",
  start: async ({ bus, buckets, logger, metrics }) => {
    const served = await serveAgent({ agent, bus, buckets, logger, metrics });
    process.stdout.write(`ready ${agent.name}\n`);
    return served;
  },
});
