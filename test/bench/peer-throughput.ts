// Throughput against a peer measured in the same run: Switchyard goals (a coordinator process and an echo agent
// process, as deployed: process-stack.ts) against BullMQ on the local Redis, with the same trivial handler and the
// same concurrency.
//   - one subtask per goal  vs  Queue+Worker jobs, and FlowProducer flows of a parent and one child;
//   - eight parallel subtasks  vs  FlowProducer flows of a parent and eight children.
// Prints `name=ratio` lines (Switchyard ÷ peer; above 1 is ahead) with the raw figures beside them.
import { randomBytes } from "node:crypto";
import type { TemplatePlan } from "@switchyard/coordinator";
import type { NatsServerHandle } from "@switchyard/infra";
import { FlowProducer, Queue, QueueEvents, Worker } from "bullmq";
import { echo } from "./bench-agents.ts";
import { perSecond } from "./dag-makespan.ts";
import { ONE_STEP } from "./dispatch-overhead.ts";
import { startProcessStack } from "./process-stack.ts";

/** Eight echo subtasks side by side: a fan-out whose goal ends when all are done. */
const FAN_OUT_8: TemplatePlan = {
  description: "Benchmark: eight echo subtasks in parallel.",
  subtasks: Array.from({ length: 8 }, (_, i) => ({ id: `s${i}`, agent: echo.name, input: {}, dependsOn: [] })),
};

const TIMEOUT_MS = 60_000;

/** Options of {@link benchPeerThroughput}. */
export type PeerThroughputOptions = {
  signal: AbortSignal;
  /** Redis for BullMQ; default `$REDIS_URL` or 127.0.0.1:6379. */
  redisUrl?: string;
  /** One-subtask goals (and jobs, and flows); default 2,000. */
  goals?: number;
  /** Fan-out goals (and flows); default 500. */
  fanOutGoals?: number;
  /** Goals in flight at once, and the BullMQ worker's concurrency; default 64. */
  concurrency?: number;
};

function redisConnection(url: string) {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
}

/** BullMQ jobs/s and flows/s with a handler that returns at once, `concurrency` at a time. */
async function bullmqFigures(opts: Required<Omit<PeerThroughputOptions, "signal">>, signal: AbortSignal) {
  const connection = redisConnection(opts.redisUrl);
  const name = `sybench-${randomBytes(3).toString("hex")}`;
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const worker = new Worker(name, async () => ({ ok: true }), { connection, concurrency: opts.concurrency });
  const flows = new FlowProducer({ connection });
  // Each of the `concurrency` callers waits on these at once: not a leak.
  for (const emitter of [queue, events, flows]) emitter.setMaxListeners(opts.concurrency * 2 + 10);
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
  try {
    // Queue+Worker: add a job, wait for its completion, as a backend waits for a goal's result.
    const queueRate = await perSecond(opts.goals, opts.concurrency, signal, async (i) => {
      // Completed jobs are kept (BullMQ's default; removing them races `waitUntilFinished`) and dropped at the end.
      const job = await queue.add("job", { i });
      await job.waitUntilFinished(events, TIMEOUT_MS);
    });
    const flowRate = (children: number, count: number) =>
      perSecond(count, opts.concurrency, signal, async (i) => {
        const flow = await flows.add({
          name: "parent",
          queueName: name,
          data: { i },
          children: Array.from({ length: children }, (_, c) => ({ name: "child", queueName: name, data: { i, c } })),
        });
        await flow.job.waitUntilFinished(events, TIMEOUT_MS);
      });
    const flow1 = await flowRate(1, opts.goals);
    const flow8 = await flowRate(8, opts.fanOutGoals);
    return { queueRate, flow1, flow8 };
  } finally {
    await worker.close();
    await flows.close();
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * Switchyard goals/s for the one-subtask and the fan-out plan, `concurrency` goals in flight, with the coordinator
 * and one echo agent replica as separate processes.
 */
async function switchyardFigures(
  server: NatsServerHandle,
  opts: Required<Omit<PeerThroughputOptions, "signal">>,
  signal: AbortSignal,
) {
  const stack = await startProcessStack(server, {
    templates: { one: ONE_STEP, fan8: FAN_OUT_8 },
    agent: "echo",
    replicas: 1,
    signal,
  });
  try {
    const run = (plan: string) => async () => {
      const { result } = await stack.runGoal(plan, TIMEOUT_MS);
      if (result.status !== "ok") throw new Error(`goal ${result.goalId} ended ${result.status}`);
    };
    // Fresh processes: JIT, connections and consumers warm up on unmeasured goals first.
    await perSecond(Math.min(200, opts.goals), opts.concurrency, signal, run("one"));
    const one = await perSecond(opts.goals, opts.concurrency, signal, run("one"));
    const fan8 = await perSecond(opts.fanOutGoals, opts.concurrency, signal, run("fan8"));
    return { one, fan8 };
  } finally {
    await stack.stop();
  }
}

/** Result lines of {@link benchPeerThroughput}. */
export type PeerThroughputReport = { lines: string[] };

export async function benchPeerThroughput(
  server: NatsServerHandle,
  options: PeerThroughputOptions,
): Promise<PeerThroughputReport> {
  const opts = {
    redisUrl: options.redisUrl ?? process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379",
    goals: options.goals ?? 2_000,
    fanOutGoals: options.fanOutGoals ?? 500,
    concurrency: options.concurrency ?? 64,
  };
  const sy = await switchyardFigures(server, opts, options.signal);
  const peer = await bullmqFigures(opts, options.signal);
  const f = (n: number) => n.toFixed(0);
  const r = (a: number, b: number) => (a / b).toFixed(3);
  return {
    lines: [
      `throughput_vs_queue=${r(sy.one, peer.queueRate)}  (${f(sy.one)} one-subtask goals/s, coordinator and agent as ` +
        `separate processes, vs BullMQ Queue+Worker ${f(peer.queueRate)} jobs/s; ${opts.goals} each, ` +
        `${opts.concurrency} in flight)`,
      `throughput_vs_flow=${r(sy.one, peer.flow1)}  (${f(sy.one)} goals/s, separate processes, vs BullMQ ` +
        `FlowProducer parent+1 child ${f(peer.flow1)} flows/s)`,
      `fanout8_vs_flow=${r(sy.fan8, peer.flow8)}  (${f(sy.fan8)} eight-subtask goals/s, separate processes, vs ` +
        `FlowProducer parent+8 children ${f(peer.flow8)} flows/s; ${opts.fanOutGoals} each)`,
    ],
  };
}
