// The agents the benchmarks run, in a module of their own so an agent process (bench-agent-main.ts) loads only these
// and not the coordinator the in-process benchmarks start.
import { setTimeout as sleep } from "node:timers/promises";
import { defineAgent } from "@switchyard/agent-kit";
import { z } from "zod";

/** Returns at once: whatever a one-subtask goal costs is dispatch, not work. */
export const echo = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Benchmark fixture: returns at once.",
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  handler: async () => ({ ok: true }),
});

/** Simulated model call: waits `sleepMs`, and stops early when the run is aborted (deadline, cancel, shutdown). */
export const sleeper = defineAgent({
  name: "sleeper",
  version: "1.0.0",
  description: "Benchmark fixture: waits the given latency, as a model call would.",
  input: z.object({ sleepMs: z.int().nonnegative() }),
  output: z.object({ sleptMs: z.int() }),
  handler: async ({ sleepMs }, ctx) => {
    await sleep(sleepMs, undefined, { signal: ctx.signal });
    return { sleptMs: sleepMs };
  },
});

/** The bench agents by name, as `bench-agent-main.ts` takes them on its command line. */
export const BENCH_AGENTS = { echo, sleeper } as const;
export type BenchAgentName = keyof typeof BENCH_AGENTS;
