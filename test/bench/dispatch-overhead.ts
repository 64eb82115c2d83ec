// Dispatch overhead: what the coordinator and agent kit add to a goal beyond the JetStream hops it cannot avoid.
import { performance } from "node:perf_hooks";
import { RetentionPolicy, StorageType, type ConsumerMessages } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { TemplatePlan } from "@switchyard/coordinator";
import {
  connectBus,
  ensureConsumer,
  errorMessage,
  loadConfig,
  type Bus,
  type Config,
  type NatsServerHandle,
} from "@switchyard/infra";
import { echo } from "./bench-agents.ts";
import {
  benchPrefix,
  bounded,
  breakdown,
  createArrivals,
  fmtMs,
  quantile,
  startStack,
  type Breakdown,
  type GoalRun,
} from "./dag-makespan.ts";

/** One subtask, no dependencies: the smallest goal there is. */
export const ONE_STEP: TemplatePlan = {
  description: "Benchmark: one echo subtask.",
  subtasks: [{ id: "only", agent: echo.name, input: {}, dependsOn: [] }],
  output: "only",
};

const PLAN_NAME = "bench-one-step";
const TIMEOUT_MS = 5_000;
// Roughly the size of a goal, envelope, result and GoalResult on the wire, so the floor moves similar bytes.
const PAD = "x".repeat(400);

type FloorBody = { id: string; pad: string };

/** A running relay stage of the floor. */
type Relay = { stop(): Promise<void> };

/**
 * One stage of the floor: a durable pull consumer (same `consume()` settings as the services' consumers) that
 * publishes every message on to the next subject, waits for the PubAck, then acks, like a service handler does.
 */
async function startRelay(
  bus: Bus,
  stream: string,
  durable: string,
  next: (body: FloorBody) => { subject: string; msgId: string },
): Promise<Relay> {
  const consumer = await bus.js.consumers.get(stream, durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: bus.config.maxInFlight });
  const loop = (async () => {
    for await (const msg of messages) {
      try {
        const body = msg.json<FloorBody>();
        const { subject, msgId } = next(body);
        await bus.js.publish(subject, msg.data, { msgID: msgId });
        msg.ack();
      } catch (err) {
        console.error(`bench: floor relay ${durable}: ${errorMessage(err)}`);
        msg.nak();
      }
    }
  })();
  return {
    async stop() {
      await messages.close();
      await loop;
    },
  };
}

/** The raw JetStream round trip a minimal goal is compared with. */
type Floor = {
  /** Publishes one message into the chain and resolves with the time until it came out the far end. */
  roundTrip(id: string): Promise<number>;
  stop(): Promise<void>;
};

/**
 * The floor: the hops a one-subtask goal must make, with nothing else. A client publishes to a work queue (goal in);
 * a "coordinator" consumer forwards it to a second work queue (task out); an "agent" consumer forwards it to a
 * third (result in); the "coordinator" consumer of that one publishes to a limits stream (done out), which the client
 * sees on a core subscription, as it sees a GoalResult. 4 JetStream publishes each awaiting its PubAck, 3 pull
 * consumer deliveries, 3 acks, 1 core delivery; same storage, duplicate window and consumer settings as the services.
 */
async function startFloor(server: NatsServerHandle, signal: AbortSignal): Promise<Floor> {
  const prefix = benchPrefix();
  const upper = prefix.toUpperCase();
  // The bench's own nats-server is an open bus (no credentials): it measures hops, not permissions.
  const config = (instance: string): Config =>
    loadConfig({
      SY_INSECURE: "true",
      ...server.env,
      SY_PREFIX: prefix,
      SY_LOG_LEVEL: "silent",
      SY_INSTANCE: instance,
    });
  const subject = (stage: string) => `${prefix}.floor.${stage}`;
  const streams = {
    in: `${upper}_FLOOR_IN`,
    task: `${upper}_FLOOR_TASK`,
    result: `${upper}_FLOOR_RESULT`,
    done: `${upper}_FLOOR_DONE`,
  };
  const buses: Bus[] = [];
  const relays: Relay[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const r of relays) await bounded("stopping a floor relay", r.stop(), 5_000);
      const client = buses[0];
      if (client !== undefined) {
        for (const name of Object.values(streams)) {
          await bounded(
            `deleting ${name}`,
            client.jsm.streams.delete(name).catch(() => false),
            5_000,
          );
        }
      }
      for (const b of buses) await bounded("closing a connection", b.close(), 5_000);
    })());

  try {
    const client = await connectBus({ config: config("floor-client"), name: "floor-client" });
    buses.push(client);
    const { storage, duplicateWindowMs, replicas } = client.config;
    const common = {
      storage: storage === "memory" ? StorageType.Memory : StorageType.File,
      num_replicas: replicas,
      duplicate_window: nanos(duplicateWindowMs),
    };
    const workqueue = { ...common, retention: RetentionPolicy.Workqueue };
    await client.jsm.streams.add({ ...workqueue, name: streams.in, subjects: [subject("in")] });
    await client.jsm.streams.add({ ...workqueue, name: streams.task, subjects: [subject("task")] });
    await client.jsm.streams.add({ ...workqueue, name: streams.result, subjects: [subject("result")] });
    await client.jsm.streams.add({
      ...common,
      name: streams.done,
      subjects: [subject("done.*")],
      retention: RetentionPolicy.Limits,
    });
    for (const [stream, stage] of [
      [streams.in, "in"],
      [streams.task, "task"],
      [streams.result, "result"],
    ] as const) {
      await ensureConsumer(client, { stream, durable: `floor-${stage}`, filterSubject: subject(stage) });
    }

    const coordinator = await connectBus({ config: config("floor-coordinator"), name: "floor-coordinator" });
    buses.push(coordinator);
    const agent = await connectBus({ config: config("floor-agent"), name: "floor-agent" });
    buses.push(agent);
    relays.push(
      await startRelay(coordinator, streams.in, "floor-in", (b) => ({ subject: subject("task"), msgId: `t/${b.id}` })),
      await startRelay(agent, streams.task, "floor-task", (b) => ({ subject: subject("result"), msgId: `r/${b.id}` })),
      await startRelay(coordinator, streams.result, "floor-result", (b) => ({
        subject: subject(`done.${b.id}`),
        msgId: `d/${b.id}`,
      })),
    );

    const arrivals = createArrivals<true>(signal);
    client.nc.subscribe(subject("done.*"), {
      callback: (_err, msg) => {
        const at = performance.now();
        arrivals.arrive(msg.subject.split(".").at(-1) ?? "", true, at);
      },
    });
    return {
      async roundTrip(id) {
        const arrived = arrivals.expect(id, TIMEOUT_MS);
        const t0 = performance.now();
        const body: FloorBody = { id, pad: PAD };
        await client.js.publish(subject("in"), JSON.stringify(body), { msgID: id });
        const { at } = await arrived;
        return at - t0;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Options of {@link benchDispatchOverhead}. */
export type DispatchOverheadOptions = {
  /** Measured goals (and as many floor round trips). Default 200. */
  count?: number;
  /** Unmeasured rounds first. Default 20. */
  warmup?: number;
  signal: AbortSignal;
};

/** Figures of one dispatch run; `lines` is what to print. */
export type DispatchOverheadReport = {
  ratio: number;
  goalMedianMs: number;
  floorMedianMs: number;
  lines: string[];
};

/**
 * Measures a one-subtask goal whose handler returns at once (publish → GoalResult) against the raw JetStream
 * floor of the same hops, alternating one goal and one floor round trip so both see the same machine.
 */
export async function benchDispatchOverhead(
  server: NatsServerHandle,
  opts: DispatchOverheadOptions,
): Promise<DispatchOverheadReport> {
  const count = opts.count ?? 200;
  const warmup = opts.warmup ?? 20;
  const stack = await startStack(server, {
    templates: { [PLAN_NAME]: ONE_STEP },
    agents: [echo],
    signal: opts.signal,
  });
  try {
    const floor = await startFloor(server, opts.signal);
    try {
      const goals: GoalRun[] = [];
      const floors: number[] = [];
      for (let i = 0; i < warmup + count; i++) {
        if (opts.signal.aborted) throw new Error("aborted");
        const run = await stack.runGoal(PLAN_NAME, TIMEOUT_MS);
        if (run.result.status !== "ok") throw new Error(`goal ${run.result.goalId} ended ${run.result.status}`);
        const floorMs = await floor.roundTrip(`f${i}`);
        if (i >= warmup) {
          goals.push(run);
          floors.push(floorMs);
        }
      }
      const goalMs = goals.map((g) => g.ms);
      const goalMedianMs = quantile(goalMs, 0.5);
      const floorMedianMs = quantile(floors, 0.5);
      const ratio = goalMedianMs / floorMedianMs;
      const parts = goals.map((g) => breakdown(g, ONE_STEP, ["only"]));
      const med = (pick: (b: Breakdown) => number) => quantile(parts.map(pick), 0.5).toFixed(1);
      return {
        ratio,
        goalMedianMs,
        floorMedianMs,
        lines: [
          `overhead_ratio=${ratio.toFixed(2)}`,
          `dispatch: one-subtask goal median ${fmtMs(goalMedianMs)} ms (p90 ${fmtMs(quantile(goalMs, 0.9))}) vs ` +
            `JetStream floor median ${fmtMs(floorMedianMs)} ms (p90 ${fmtMs(quantile(floors, 0.9))}; 4 publishes + ` +
            `3 pull consumes) over ${count} each after ${warmup} warm-up`,
          `dispatch breakdown (medians, ms resolution): publish->subtask start ${med((b) => b.intakeMs)} ms, ` +
            `subtask run ${med((b) => b.nodeOverrunMs)} ms, subtask finish->GoalResult ${med((b) => b.doneMs)} ms`,
        ],
      };
    } finally {
      await floor.stop();
    }
  } finally {
    await stack.stop();
  }
}
