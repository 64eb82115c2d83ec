// Topology settings. Retention: a finished goal's state (record, idempotency key) and its runs' ledger entries are
// compacted away once SY_RETENTION_MS has passed since their last write; a deployment that changes the setting
// applies it to existing buckets (shown with a retention of seconds). Streams and buckets describe themselves.
import { randomUUID } from "node:crypto";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { keywordsAgent } from "@switchyard/agent-keywords";
import { reportAgent } from "@switchyard/agent-report";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, type Coordinator } from "@switchyard/coordinator";
import { createLogger, ensureTopology, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

const logger = createLogger({ service: "test", level: "silent" });
const RETENTION_MS = 3_000;
let server: NatsServerHandle;
let prefix: string;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
const agents: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  // The buckets exist first without a retention (as an older deployment made them).
  const before = await connectTestBus(server, prefix, { SY_RETENTION_MS: "0" });
  expect((await before.bus.jsm.streams.info(`KV_${before.bus.names.buckets.goals}`)).config.max_age).toBe(0);
  await before.bus.close();
  ({ bus, buckets } = await connectTestBus(server, prefix, { SY_RETENTION_MS: String(RETENTION_MS) }));
  log = collectEvents(bus.nc, bus.names);
  coordinator = await createCoordinator({ bus, buckets, logger });
  for (const agent of [keywordsAgent, reportAgent]) agents.push(await serveAgent({ agent, bus, buckets, logger }));
});

afterAll(async () => {
  log?.stop();
  for (const a of agents) await a.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

it("compacts a finished goal's state and its ledger entries after the retention period", async () => {
  for (const bucket of [bus.names.buckets.goals, bus.names.buckets.effects]) {
    const info = await bus.jsm.streams.info(`KV_${bucket}`);
    expect(info.config.max_age / 1e6, bucket).toBe(RETENTION_MS);
  }
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: "Budgets stop loops.",
    plan: "demo",
  });
  await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  expect((await log.waitForResult(id)).status).toBe("ok");
  const runKey = bus.names.keys.subtaskResult("keywords", id, "keywords", 1);
  expect(await buckets.goals.get(bus.names.keys.goal(id))).not.toBeNull();
  expect(await buckets.effects.get(runKey)).not.toBeNull();

  await expect.poll(() => buckets.goals.get(bus.names.keys.goal(id)), { timeout: 15_000, interval: 500 }).toBeNull();
  await expect.poll(() => buckets.effects.get(runKey), { timeout: 15_000, interval: 500 }).toBeNull();
});

it("keeps state forever with a retention of 0", async () => {
  await ensureTopology({ ...bus, config: { ...bus.config, retentionMs: 0 } });
  expect((await bus.jsm.streams.info(`KV_${bus.names.buckets.goals}`)).config.max_age).toBe(0);
});

it("describes every stream and bucket, for NATS tooling (`nats stream ls`, `nats kv ls`)", async () => {
  const { streams, buckets: b } = bus.names;
  for (const stream of [...Object.values(streams), ...Object.values(b).map((x) => `KV_${x}`)]) {
    const info = await bus.jsm.streams.info(stream);
    expect(info.config.description, stream).toMatch(/^Switchyard: \S/);
    expect(info.config.allow_rollup_hdrs ?? false, stream).toBe(false);
  }
});

it("describes every consumer (`nats consumer ls`), and gives an existing one its description", async () => {
  const { streams } = bus.names;
  const described: Record<string, string> = {};
  for (const stream of Object.values(streams)) {
    for await (const c of bus.jsm.consumers.list(stream)) described[c.name] = c.config.description ?? "";
  }
  expect(described).toMatchObject({
    [bus.names.consumers.coordinatorGoals]: "Switchyard coordinator: goals submitted by backends",
    [bus.names.consumers.coordinatorTimers]: expect.stringMatching(/^Switchyard coordinator: durable timers/),
    [bus.names.consumers.agent("keywords")]: "Switchyard agent keywords: subtasks (shared by its replicas)",
  });
  for (const [name, description] of Object.entries(described)) expect(description, name).toMatch(/^Switchyard \S/);

  // A consumer an older deployment made without one gets it when its service starts again.
  const durable = bus.names.consumers.agent("report");
  await bus.jsm.consumers.update(streams.tasks, durable, { description: "made before descriptions" });
  expect((await bus.jsm.consumers.info(streams.tasks, durable)).config.description).toBe("made before descriptions");
  await agents.pop()?.stop();
  agents.push(await serveAgent({ agent: reportAgent, bus, buckets, logger }));
  expect((await bus.jsm.consumers.info(streams.tasks, durable)).config.description).toBe(
    "Switchyard agent report: subtasks (shared by its replicas)",
  );
});
