// Delivery guarantees: idempotency past JetStream's duplicate window (goals keyed in KV, subtasks in the effects
// ledger), and a malformed result that fails its goal instead of leaving it waiting.
import { randomUUID } from "node:crypto";
import { defineAgent, serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, SubtaskEnvelope, SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, FailurePolicy, type Coordinator } from "@switchyard/coordinator";
import { AckPolicy } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

const DUPLICATE_WINDOW_MS = 400;
const logger = createLogger({ service: "test", level: "silent" });

// Counts real handler runs, per subtask key.
const runs = new Map<string, number>();
const counter = defineAgent({
  name: "counter",
  version: "1.0.0",
  description: "Test fixture: counts how often its handler runs.",
  input: z.object({ text: z.string() }),
  output: z.object({ length: z.int() }),
  handler: async ({ text }, ctx) => {
    runs.set(ctx.idempotencyKey, (runs.get(ctx.idempotencyKey) ?? 0) + 1);
    return { length: text.length };
  },
});
const templates = {
  blackhole: {
    description: "a subtask whose consumer takes it and never answers",
    subtasks: [{ id: "swallowed", agent: "blackhole", input: {}, dependsOn: [] }],
  },
  ghost: {
    description: "a subtask for an agent that is not running",
    subtasks: [{ id: "lost", agent: "ghost", input: {}, dependsOn: [] }],
  },
  count: {
    description: "one counter subtask",
    subtasks: [{ id: "only", agent: "counter", input: { text: "$goal.text" }, dependsOn: [] }],
  },
};

let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let coordinator: Coordinator;
let agent: ServedAgent;
let log: EventLog;

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, uniquePrefix(), {
    SY_DUPLICATE_WINDOW_MS: String(DUPLICATE_WINDOW_MS),
  }));
  log = collectEvents(bus.nc, bus.names);
  // No retries here: this file checks what happens to the first failure itself.
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    templates,
    defaultPlan: "count",
    failurePolicies: { "*": FailurePolicy.parse({ retries: 0 }) },
  });
  agent = await serveAgent({ agent: counter, bus, buckets, logger });
});

afterAll(async () => {
  log.stop();
  await agent?.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

const goal = (id: string, idempotencyKey?: string): Goal =>
  Goal.parse({ v: WIRE_VERSION, id, idempotencyKey, tenant: "acme", user: "ana", text: "count me" });

describe("goal idempotency", () => {
  it("runs a goal once when it is published again after the stream's duplicate window", async () => {
    const id = randomUUID();
    const key = `charge-${id}`;
    expect((await bus.jsm.streams.info(bus.names.streams.goals)).config.duplicate_window).toBe(
      DUPLICATE_WINDOW_MS * 1e6,
    );
    const first = await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal(id, key), { msgId: key });
    expect(first.duplicate).toBe(false);
    await log.waitForResult(id);

    // Past the window JetStream no longer drops the copy: the sleep is the point of this test.
    await new Promise((r) => setTimeout(r, DUPLICATE_WINDOW_MS * 2));
    const second = await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal(id, key), { msgId: key });
    expect(second.duplicate).toBe(false);
    const secondId = randomUUID();
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal(secondId, key), { msgId: `${key}-retry` });

    await log.waitForEvent((e) => e.type === "goal.duplicate" && e.goalId === id);
    await log.waitForEvent((e) => e.type === "goal.duplicate" && e.goalId === secondId);
    expect(runs.get(`${id}/only`)).toBe(1);
    expect(runs.has(`${secondId}/only`)).toBe(false);
    expect(log.results.filter((r) => r.goalId === id)).toHaveLength(1);
  });
});

describe("subtask idempotency", () => {
  it("replays a redelivered subtask's recorded result without running its handler again", async () => {
    const goalId = randomUUID();
    const envelope: SubtaskEnvelope = {
      v: WIRE_VERSION,
      goalId,
      subtaskId: "s1",
      idempotencyKey: `${goalId}/s1`,
      agent: "counter",
      input: { text: "hello" },
      upstream: {},
      budget: {},
      deadline: new Date(Date.now() + 60_000).toISOString(),
      attempt: 1,
      tenant: "acme",
      user: "ana",
    };
    // A core subscription sees every result published to the subject, independent of the stream's consumers.
    const results: SubtaskResult[] = [];
    const sub = bus.nc.subscribe(bus.names.subjects.results("counter"), {
      callback: (_err, msg) => {
        const r = SubtaskResult.safeParse(msg.json());
        if (r.success && r.data.goalId === goalId) results.push(r.data);
      },
    });

    // Two deliveries of the same subtask, as after a lost ack past the duplicate window.
    await publishJson(bus, bus.names.subjects.task("counter"), SubtaskEnvelope, envelope, { msgId: "delivery-1" });
    await log.waitForEvent((e) => e.type === "subtask.finished" && e.goalId === goalId);
    await publishJson(bus, bus.names.subjects.task("counter"), SubtaskEnvelope, envelope, { msgId: "delivery-2" });
    await log.waitForEvent((e) => e.type === "subtask.replayed" && e.goalId === goalId);

    await expect.poll(() => results.length).toBe(2);
    sub.unsubscribe();
    expect(runs.get(`${goalId}/s1`)).toBe(1);
    const [a, b] = results;
    expect(b).toEqual(a);
    expect(a).toMatchObject({ status: "ok", output: { length: 5 } });
  });
});

describe("malformed results", () => {
  it("fail the subtask they name (invalid_output) so the goal does not wait forever", async () => {
    const id = randomUUID();
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, { ...goal(id), plan: "ghost" }, { msgId: id });
    await log.waitForEvent((e) => e.type === "subtask.dispatched" && e.goalId === id);
    // What a buggy agent might send: the ids are readable, the rest breaks the contract. Only the agent the subtask
    // was dispatched to can fail it this way (its subject is the server-pinned sender).
    bus.nc.publish(
      bus.names.subjects.results("ghost"),
      JSON.stringify({ v: 1, goalId: id, subtaskId: "lost", status: "done" }),
    );
    const result = await log.waitForResult(id);
    expect(result.status).toBe("failed");
    expect(result.failure).toMatchObject({ kind: "invalid_output", subtaskId: "lost" });
    expect(result.failure?.message).toMatch(/status: Invalid option/);
    const rejected = await log.waitForEvent((e) => e.type === "message.rejected" && e.goalId === id);
    expect(rejected).toMatchObject({ subject: bus.names.subjects.results("ghost"), sender: "ghost" });
  });
});

describe("exhausted deliveries", () => {
  it("a subtask no replica ever finishes fails the goal (crashed) after max_deliver instead of hanging it", async () => {
    // A replica that takes the subtask and dies every time: a consumer that fetches and never acks.
    const durable = bus.names.consumers.agent("blackhole");
    await bus.jsm.consumers.add(bus.names.streams.tasks, {
      durable_name: durable,
      filter_subject: bus.names.subjects.task("blackhole"),
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(500),
      max_deliver: 2,
    });
    const id = randomUUID();
    await publishJson(
      bus,
      bus.names.subjects.goalSubmit("acme"),
      Goal,
      { ...goal(id), plan: "blackhole" },
      { msgId: id },
    );
    const consumer = await bus.js.consumers.get(bus.names.streams.tasks, durable);
    for (let delivery = 1; delivery <= 2; delivery++) {
      const msg = await consumer.next({ expires: 5_000 });
      expect(msg?.info.deliveryCount).toBe(delivery);
    }
    // Replicas keep pulling; the server announces the exhausted message when it would have delivered it again.
    expect(await consumer.next({ expires: 2_000 })).toBeNull();
    const result = await log.waitForResult(id, 15_000);
    expect(result.status).toBe("failed");
    expect(result.failure).toMatchObject({
      kind: "crashed",
      subtaskId: "swallowed",
      message: expect.stringMatching(/in 2 deliveries/),
    });
    await expect.poll(async () => (await bus.jsm.consumers.info(bus.names.streams.tasks, durable)).num_pending).toBe(0);
  });
});
