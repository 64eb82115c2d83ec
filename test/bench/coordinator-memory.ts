// Coordinator memory: the coordinator process's resident set with ~1,000 goals in flight against ~20,000. Goals in
// flight are accepted but unfinished: their one subtask is for an agent that does not run, so each waits (in the tasks
// stream, with its record in KV and its deadline timer in the goals stream) until its deadline, an hour away.
// A coordinator that keeps per-goal state in memory grows with them; one that keeps it in JetStream stays flat.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import type { TemplatePlan } from "@switchyard/coordinator";
import { publishJson, type NatsServerHandle } from "@switchyard/infra";
import { sleeper } from "./bench-agents.ts";
import { quantile } from "./dag-makespan.ts";
import { rssBytes, startProcessStack, type ProcessStack } from "./process-stack.ts";

const PLAN_NAME = "wait";
/** The goals' wall-time budget and deadline: far beyond the measurement, so none finishes during it. */
const GOAL_MS = 3_600_000;
/** Goals published at once (each publish awaits its PubAck). */
const PUBLISH_BATCH = 250;

/** One subtask for the `sleeper` agent, which this benchmark never starts: every goal waits. */
const WAITING: TemplatePlan = {
  description: "Benchmark: one subtask for an agent that is not running, so the goal waits.",
  subtasks: [{ id: "only", agent: sleeper.name, input: { sleepMs: 0 }, dependsOn: [] }],
  output: "only",
};

/** Options of {@link benchCoordinatorMemory}. */
export type CoordinatorMemoryOptions = {
  signal: AbortSignal;
  /** Goals in flight at the first sample; default 1,000. */
  low?: number;
  /** Goals in flight at the second sample; default 20,000. */
  high?: number;
  /** Quiet time after the last acceptance before sampling; default 3 s. */
  settleMs?: number;
};

/** Figures of one memory run; `lines` is what to print. */
export type CoordinatorMemoryReport = { lines: string[] };

const thousands = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : String(n));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Publishes `count` waiting goals in batches, each with a deadline an hour away. */
async function submit(stack: ProcessStack, count: number, signal: AbortSignal): Promise<void> {
  const { client } = stack;
  const subject = client.names.subjects.goalSubmit("bench");
  const deadline = new Date(Date.now() + GOAL_MS).toISOString();
  for (let done = 0; done < count; done += PUBLISH_BATCH) {
    if (signal.aborted) throw new Error("aborted while submitting goals");
    await Promise.all(
      Array.from({ length: Math.min(PUBLISH_BATCH, count - done) }, () => {
        const id = randomUUID();
        const goal = Goal.parse({
          v: WIRE_VERSION,
          id,
          tenant: "bench",
          user: "bench",
          text: `waiting goal ${id}`,
          plan: PLAN_NAME,
          budget: { maxMs: GOAL_MS },
          deadline,
        });
        return publishJson(client, subject, Goal, goal, { msgId: id });
      }),
    );
  }
}

/**
 * Waits until the coordinator has taken every goal submitted so far (its goal consumer has nothing pending and nothing
 * unacked) and the goals bucket holds at least `total` records. Two stream-info requests per poll: cheap.
 */
async function accepted(stack: ProcessStack, total: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const { client } = stack;
  const { streams, consumers, buckets } = client.names;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (signal.aborted) throw new Error("aborted while waiting for goals to be accepted");
    const [goals, records] = await Promise.all([
      client.jsm.consumers.info(streams.goals, consumers.coordinatorGoals),
      client.jsm.streams.info(`KV_${buckets.goals}`),
    ]);
    const taken = goals.num_pending === 0 && goals.num_ack_pending === 0;
    if (taken && records.state.messages >= total) return;
    if (Date.now() > until) {
      const state = `${goals.num_pending} pending, ${goals.num_ack_pending} unacked, ${records.state.messages} records`;
      throw new Error(`${total} goals not accepted within ${timeoutMs} ms (${state})`);
    }
    await sleep(250);
  }
}

/** The median of a few RSS samples of `pid`, 250 ms apart. */
async function sampleRss(pid: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    if (i > 0) await sleep(250);
    const rss = rssBytes(pid);
    if (rss === undefined) throw new Error(`cannot read /proc/${pid}/status (did the coordinator exit?)`);
    samples.push(rss);
  }
  return quantile(samples, 0.5);
}

/**
 * Submits `low` waiting goals to a fresh coordinator process, samples its RSS once they are all accepted and a
 * few quiet seconds have passed, then brings the total to `high` and samples again. Nothing is forced (no GC).
 */
export async function benchCoordinatorMemory(
  server: NatsServerHandle,
  options: CoordinatorMemoryOptions,
): Promise<CoordinatorMemoryReport> {
  const { signal } = options;
  const low = options.low ?? 1_000;
  const high = options.high ?? 20_000;
  const settleMs = options.settleMs ?? 3_000;
  const name = `coordinator_memory_${thousands(high)}_vs_${thousands(low)}`;
  if (rssBytes(process.pid) === undefined) {
    return { lines: [`${name}: skipped (RSS is read from /proc/<pid>/status: Linux only)`] };
  }
  // A generous bound on acceptance: 30 s plus 10 ms a goal (a 2-core machine accepts several hundred a second).
  const acceptTimeout = (count: number) => 30_000 + count * 10;
  const stack = await startProcessStack(server, { templates: { [PLAN_NAME]: WAITING }, replicas: 0, signal });
  try {
    const pid = stack.coordinatorPid;
    const startRss = rssBytes(pid) ?? Number.NaN;
    let t0 = performance.now();
    await stack.watch(submit(stack, low, signal));
    await stack.watch(accepted(stack, low, acceptTimeout(low), signal));
    const lowSeconds = (performance.now() - t0) / 1000;
    await sleep(settleMs, undefined, { signal });
    const rssLow = await sampleRss(pid);

    t0 = performance.now();
    await stack.watch(submit(stack, high - low, signal));
    await stack.watch(accepted(stack, high, acceptTimeout(high - low), signal));
    const highSeconds = (performance.now() - t0) / 1000;
    await sleep(settleMs, undefined, { signal });
    const rssHigh = await sampleRss(pid);

    return {
      lines: [
        `${name}=${(rssHigh / rssLow).toFixed(3)}  (RSS ${thousands(low)} in flight: ${mb(rssLow)} MB, ` +
          `${thousands(high)}: ${mb(rssHigh)} MB; target: flat, <= 1.5)`,
        `coordinator memory: one coordinator process (RSS ${mb(startRss)} MB when ready); ${low} waiting goals ` +
          `accepted in ${lowSeconds.toFixed(1)} s, ${high - low} more in ${highSeconds.toFixed(1)} s ` +
          `(${((high - low) / highSeconds).toFixed(0)} goals/s); each waits on an agent that does not run, deadline ` +
          `in 1 h; RSS sampled ${settleMs / 1000} s after the last acceptance (median of 5 over 1 s)`,
      ],
    };
  } finally {
    await stack.stop();
  }
}
