// DAG makespan: how close a goal's wall time comes to its critical path when every node is a simulated model call.
// Also home of the small harness the benchmarks share (in-process stack, goal runner, rates, statistics).
import { randomBytes, randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { serveAgent, type AgentDefinition, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, GoalResult, WIRE_VERSION, type WireNames } from "@switchyard/contracts";
import { createCoordinator, type Coordinator, type TemplateCatalog, type TemplatePlan } from "@switchyard/coordinator";
import {
  connectBus,
  createLogger,
  ensureTopology,
  errorMessage,
  loadConfig,
  openBuckets,
  publishJson,
  type Bus,
  type NatsServerHandle,
} from "@switchyard/infra";
import { z } from "zod";
import { sleeper } from "./bench-agents.ts";

// ---------------------------------------------------------------------------------------------------------------
// Shared harness
// ---------------------------------------------------------------------------------------------------------------

const logger = createLogger({ service: "bench", level: "silent" });

/** The `q` quantile (0..1) of `values` by the nearest-rank method; NaN for no values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Milliseconds with the precision a figure deserves (sub-ms figures keep two decimals). */
export function fmtMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

/** Waits for `promise` at most `ms`; a stuck step of a shutdown is reported and skipped, never waited on forever. */
export async function bounded<T>(what: string, promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      console.error(`bench: ${what} did not finish within ${ms} ms; skipped`);
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } catch (err) {
    console.error(`bench: ${what} failed: ${errorMessage(err)}`);
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `count` tasks with at most `concurrency` at a time; returns completions per second. */
export async function perSecond(
  count: number,
  concurrency: number,
  signal: AbortSignal,
  task: (i: number) => Promise<void>,
) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        if (signal.aborted) throw new Error("aborted");
        await task(next++);
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** Resolves keyed waiters with the value and the `performance.now()` at which it arrived. */
export type Arrivals<T> = {
  /** Register before publishing, so an early arrival is not missed. Rejects after `timeoutMs` or on abort. */
  expect(key: string, timeoutMs: number): Promise<{ value: T; at: number }>;
  arrive(key: string, value: T, at: number): void;
};

/** Waiters keyed by id; `signal` rejects every pending one. */
export function createArrivals<T>(signal: AbortSignal): Arrivals<T> {
  const pending = new Map<
    string,
    { resolve: (v: { value: T; at: number }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  signal.addEventListener(
    "abort",
    () => {
      for (const [key, p] of pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`aborted while waiting for ${key}`));
      }
      pending.clear();
    },
    { once: true },
  );
  return {
    expect(key, timeoutMs) {
      if (signal.aborted) return Promise.reject(new Error(`aborted before waiting for ${key}`));
      const waiting = new Promise<{ value: T; at: number }>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(key);
          reject(new Error(`no answer for ${key} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(key, { resolve, reject, timer });
      });
      // A waiter whose publish failed is never awaited: its later timeout must not be an unhandled rejection.
      waiting.catch(() => undefined);
      return waiting;
    },
    arrive(key, value, at) {
      const p = pending.get(key);
      if (p === undefined) return;
      pending.delete(key);
      clearTimeout(p.timer);
      p.resolve({ value, at });
    },
  };
}

/** One goal's outcome as the submitting client saw it. */
export type GoalRun = {
  result: GoalResult;
  /** From just before the goal's publish to the arrival of its GoalResult. */
  ms: number;
  /** Wall clock (epoch ms) just before the publish, to line up with the result's timestamps. */
  publishedAtEpochMs: number;
  /** Wall clock (epoch ms) when the GoalResult arrived. */
  doneAtEpochMs: number;
};

/** An in-process coordinator and agents on their own prefix of a shared nats-server, plus a client connection. */
export type BenchStack = {
  names: WireNames;
  /** The client's own connection (goals are published and results received here). */
  client: Bus;
  /** Publishes a goal for `plan` and waits (at most `timeoutMs`) for its GoalResult. */
  runGoal(plan: string, timeoutMs: number): Promise<GoalRun>;
  /** Stops agents, coordinator and connections (each step bounded); deletes the prefix's streams. */
  stop(): Promise<void>;
};

/** Options of {@link startStack}. */
export type StartStackOptions = {
  templates: TemplateCatalog;
  agents: AgentDefinition[];
  signal: AbortSignal;
};

/** A prefix of its own, so a shared server (NATS_URL) never mixes this run with anything else. */
export function benchPrefix(): string {
  return `bench${randomBytes(3).toString("hex")}`;
}

/**
 * Starts a coordinator and one replica of each agent, each on its own connection as separate processes would be,
 * with logging off (pino lines would cost more than the hops being measured).
 */
export async function startStack(server: NatsServerHandle, opts: StartStackOptions): Promise<BenchStack> {
  const prefix = benchPrefix();
  // The bench's own nats-server is an open bus (no credentials): it measures hops, not permissions.
  const config = (instance: string) =>
    loadConfig({
      SY_INSECURE: "true",
      ...server.env,
      SY_PREFIX: prefix,
      SY_LOG_LEVEL: "silent",
      SY_INSTANCE: instance,
    });
  const buses: Bus[] = [];
  const agents: ServedAgent[] = [];
  let coordinator: Coordinator | undefined;
  let stopping: Promise<void> | undefined;

  const stop = () =>
    (stopping ??= (async () => {
      for (const a of agents) await bounded("stopping an agent", a.stop(), 15_000);
      if (coordinator !== undefined) await bounded("stopping the coordinator", coordinator.stop(), 15_000);
      // Leave nothing behind on a server that outlives the bench.
      const client = buses[0];
      if (client !== undefined && server.kind === "external")
        await bounded("deleting streams", dropPrefix(client), 10_000);
      for (const b of buses) await bounded("closing a connection", b.close(), 5_000);
    })());

  try {
    const client = await connectBus({ config: config("bench-client"), name: "bench-client" });
    buses.push(client);
    await ensureTopology(client);
    const coordinatorBus = await connectBus({ config: config("bench-coordinator"), name: "bench-coordinator" });
    buses.push(coordinatorBus);
    const [defaultPlan] = Object.keys(opts.templates);
    coordinator = await createCoordinator({
      bus: coordinatorBus,
      buckets: await openBuckets(coordinatorBus),
      logger,
      templates: opts.templates,
      defaultPlan,
    });
    for (const agent of opts.agents) {
      const agentBus = await connectBus({ config: config(`bench-${agent.name}`), name: `bench-${agent.name}` });
      buses.push(agentBus);
      agents.push(await serveAgent({ agent, bus: agentBus, buckets: await openBuckets(agentBus), logger }));
    }

    return { names: client.names, client, runGoal: goalRunner(client, opts.signal), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Publishes goals on `client` and waits for their GoalResults (one core subscription to every done subject of the
 * prefix): what a backend does. Whoever runs the coordinator and the agents, in process or as processes.
 */
export function goalRunner(client: Bus, signal: AbortSignal): BenchStack["runGoal"] {
  const arrivals = createArrivals<GoalResult>(signal);
  client.nc.subscribe(client.names.subjects.goalDoneAll, {
    callback: (_err, msg) => {
      // Time first: parsing is the client's cost, not the coordinator's.
      const at = performance.now();
      const parsed = GoalResult.safeParse(msg.json());
      if (parsed.success) arrivals.arrive(parsed.data.goalId, parsed.data, at);
    },
  });
  return async (plan, timeoutMs) => {
    const id = randomUUID();
    const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "bench", user: "bench", text: "benchmark goal", plan });
    const arrived = arrivals.expect(id, timeoutMs);
    const publishedAtEpochMs = Date.now();
    const t0 = performance.now();
    await publishJson(client, client.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
    const { value, at } = await arrived;
    return { result: value, ms: at - t0, publishedAtEpochMs, doneAtEpochMs: publishedAtEpochMs + (at - t0) };
  };
}

/** Deletes every stream of this bench's prefix (its work queues and the KV buckets behind `<prefix>_*`). */
export async function dropPrefix(bus: Bus): Promise<void> {
  const streamPrefix = `${bus.names.prefix.toUpperCase()}_`;
  const kvPrefix = `KV_${bus.names.prefix}_`;
  for await (const info of bus.jsm.streams.list()) {
    const name = info.config.name;
    if (name.startsWith(streamPrefix) || name.startsWith(kvPrefix)) await bus.jsm.streams.delete(name);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The makespan benchmark
// ---------------------------------------------------------------------------------------------------------------

const node = (id: string, sleepMs: number, dependsOn: string[]) => ({
  id,
  agent: sleeper.name,
  input: { sleepMs },
  dependsOn,
});

/**
 * Diamond of diamonds, a → {b, c} → d → {e, f, g} → h. The slow branch of each diamond (b, f) sets the critical path
 * a-b-d-f-h; the others finish early, so any lag in dispatching the next level shows up directly in the makespan.
 */
export const DIAMONDS: TemplatePlan = {
  description: "Benchmark: a diamond of diamonds of sleeper nodes.",
  subtasks: [
    node("a", 300, []),
    node("b", 400, ["a"]),
    node("c", 250, ["a"]),
    node("d", 300, ["b", "c"]),
    node("e", 200, ["d"]),
    node("f", 350, ["d"]),
    node("g", 250, ["d"]),
    node("h", 200, ["e", "f", "g"]),
  ],
  output: "h",
};

const SleepInput = z.object({ sleepMs: z.number() });

/** A node's simulated latency, read from its template input (0 for a node that does not sleep). */
function latencyOf(subtask: TemplatePlan["subtasks"][number]): number {
  const input = SleepInput.safeParse(subtask.input);
  return input.success ? input.data.sleepMs : 0;
}

/** The longest path through the plan, weighting each node by its latency: no schedule can beat its length. */
export function criticalPath(plan: TemplatePlan): { ms: number; path: string[] } {
  const byId = new Map(plan.subtasks.map((s) => [s.id, s]));
  const memo = new Map<string, { ms: number; path: string[] }>();
  // Longest path ending at `id` (the plan is acyclic: the coordinator refuses cycles).
  const longestTo = (id: string): { ms: number; path: string[] } => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const s = byId.get(id);
    if (s === undefined) throw new Error(`unknown subtask ${id}`);
    let best = { ms: 0, path: [] as string[] };
    for (const d of s.dependsOn) {
      const candidate = longestTo(d);
      if (candidate.ms > best.ms) best = candidate;
    }
    const found = { ms: best.ms + latencyOf(s), path: [...best.path, id] };
    memo.set(id, found);
    return found;
  };
  return plan.subtasks.map((s) => longestTo(s.id)).reduce((a, b) => (b.ms > a.ms ? b : a));
}

/** Where the time of one goal beyond its latencies went, from the timestamps in its GoalResult (ms resolution). */
export type Breakdown = {
  /** Publish → first root subtask started. */
  intakeMs: number;
  /** Mean over the critical path's edges of child started − last parent finished. */
  edgeGapMs: number;
  /** Mean over the critical path's nodes of (finished − started) − simulated latency. */
  nodeOverrunMs: number;
  /** Sink finished → GoalResult arrived. */
  doneMs: number;
};

/** Splits a goal's wall time along `path` (its critical path) into intake, edge gaps, node overruns and done. */
export function breakdown(run: GoalRun, plan: TemplatePlan, path: string[]): Breakdown {
  const byId = new Map(run.result.subtasks.map((s) => [s.subtaskId, s]));
  const planned = new Map(plan.subtasks.map((s) => [s.id, s]));
  const started = (id: string) => Date.parse(byId.get(id)?.startedAt ?? "");
  const finished = (id: string) => Date.parse(byId.get(id)?.finishedAt ?? "");
  const gaps: number[] = [];
  for (const id of path.slice(1)) {
    const deps = planned.get(id)?.dependsOn ?? [];
    gaps.push(started(id) - Math.max(...deps.map(finished)));
  }
  const overruns = path.map((id) => {
    const s = planned.get(id);
    return s === undefined ? 0 : finished(id) - started(id) - latencyOf(s);
  });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const first = path[0] ?? "";
  const last = path.at(-1) ?? "";
  return {
    intakeMs: started(first) - run.publishedAtEpochMs,
    edgeGapMs: mean(gaps),
    nodeOverrunMs: mean(overruns),
    doneMs: run.doneAtEpochMs - finished(last),
  };
}

/** Options of {@link benchDagMakespan}. */
export type DagMakespanOptions = {
  /** Measured goals, run one after another after one warm-up goal. Default 5. */
  goals?: number;
  signal: AbortSignal;
};

/** Figures of one makespan run; `lines` is what to print. */
export type DagMakespanReport = {
  ratio: number;
  medianMs: number;
  p90Ms: number;
  criticalPathMs: number;
  lines: string[];
};

const PLAN_NAME = "bench-diamonds";
const GOAL_TIMEOUT_MS = 15_000;

/**
 * Runs the diamond-of-diamonds goal `goals` times (after a warm-up) through an in-process coordinator and one
 * sleeper agent (whose `SY_MAX_IN_FLIGHT` default of 16 lets it run a whole level at once), and compares the median
 * makespan with the plan's critical path.
 */
export async function benchDagMakespan(server: NatsServerHandle, opts: DagMakespanOptions): Promise<DagMakespanReport> {
  const goals = opts.goals ?? 5;
  const critical = criticalPath(DIAMONDS);
  const serialMs = DIAMONDS.subtasks.reduce((sum, s) => sum + latencyOf(s), 0);
  const stack = await startStack(server, {
    templates: { [PLAN_NAME]: DIAMONDS },
    agents: [sleeper],
    signal: opts.signal,
  });
  try {
    const runs: GoalRun[] = [];
    for (let i = 0; i <= goals; i++) {
      const run = await stack.runGoal(PLAN_NAME, GOAL_TIMEOUT_MS);
      if (run.result.status !== "ok") {
        throw new Error(`goal ${run.result.goalId} ended ${run.result.status}: ${run.result.failure?.message ?? ""}`);
      }
      // The first goal pays for cold consumers, JIT and KV caches.
      if (i > 0) runs.push(run);
    }
    const ms = runs.map((r) => r.ms);
    const medianMs = quantile(ms, 0.5);
    const p90Ms = quantile(ms, 0.9);
    const ratio = medianMs / critical.ms;
    const parts = runs.map((r) => breakdown(r, DIAMONDS, critical.path));
    const med = (pick: (b: Breakdown) => number) => quantile(parts.map(pick), 0.5).toFixed(1);
    const edges = critical.path.length - 1;
    return {
      ratio,
      medianMs,
      p90Ms,
      criticalPathMs: critical.ms,
      lines: [
        `makespan_ratio=${ratio.toFixed(3)}`,
        `makespan: median ${fmtMs(medianMs)} ms, p90 ${fmtMs(p90Ms)} ms over ${runs.length} goals (+1 warm-up); ` +
          `critical path ${critical.ms} ms (${critical.path.join("-")}); all ${DIAMONDS.subtasks.length} nodes ` +
          `serially ${serialMs} ms; target ratio <= 1.05`,
        `makespan breakdown (medians): publish->first start ${med((b) => b.intakeMs)} ms, ` +
          `dispatch gap per edge ${med((b) => b.edgeGapMs)} ms x ${edges}, ` +
          `node overrun ${med((b) => b.nodeOverrunMs)} ms x ${critical.path.length}, ` +
          `last finish->GoalResult ${med((b) => b.doneMs)} ms`,
      ],
    };
  } finally {
    await stack.stop();
  }
}
