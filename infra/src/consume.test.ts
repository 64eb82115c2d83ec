// startConsumer against a real nats-server: a backlog larger than the in-flight limit is handled once per message,
// bad messages are terminated and reported, and a failing handler is retried.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { AUTH_CONF_FILE, credentialsEnv, initAuthDir } from "./auth/auth-dir.ts";
import { identity } from "./auth/identities.ts";
import { loadConfig } from "./config.ts";
import { connectBus, type Bus } from "./connect.ts";
import { ReleaseMessage, RetryLater, startConsumer, type InvalidDelivery } from "./consume.ts";
import { createLogger } from "./logger.ts";
import { startNatsServer, type NatsServerHandle } from "./nats-server.ts";
import { ensureConsumer, ensureTopology } from "./topology.ts";

const logger = createLogger({ service: "test", level: "silent" });
const Job = z.object({ n: z.int() });
let server: NatsServerHandle;
let bus: Bus;

let authDir: string;

beforeAll(async () => {
  // An authorized bus, as everywhere: this test connects as the admin identity.
  const prefix = `t${randomBytes(4).toString("hex")}`;
  authDir = mkdtempSync(join(tmpdir(), "sy-auth-"));
  initAuthDir({ dir: authDir, prefixes: [prefix], identities: [identity("admin")] });
  server = await startNatsServer({ configFile: join(authDir, AUTH_CONF_FILE) });
  const credentials = server.configured ? credentialsEnv(authDir, "admin") : { SY_INSECURE: "true" };
  bus = await connectBus({
    config: loadConfig({ ...server.env, ...credentials, SY_PREFIX: prefix, SY_ACK_WAIT_MS: "1000" }),
    name: "test",
  });
  await ensureTopology(bus);
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
  rmSync(authDir, { recursive: true, force: true });
});

async function consumerFor(agent: string) {
  const durable = bus.names.consumers.agent(agent);
  await ensureConsumer(bus, {
    stream: bus.names.streams.tasks,
    durable,
    filterSubject: bus.names.subjects.task(agent),
  });
  return durable;
}

it("handles a backlog larger than maxInFlight once per message, even when each takes longer than ack_wait", async () => {
  const durable = await consumerFor("backlog");
  for (let n = 0; n < 8; n++) await bus.js.publish(bus.names.subjects.task("backlog"), JSON.stringify({ n }));
  const runs: number[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  const consumer = startConsumer({
    bus,
    stream: bus.names.streams.tasks,
    durable,
    schema: Job,
    what: "job",
    logger,
    maxInFlight: 2,
    heartbeat: true,
    handle: async ({ n }) => {
      runs.push(n);
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      await new Promise((r) => setTimeout(r, 1_500)); // 1.5 x ack_wait: only heartbeats keep it
      concurrent--;
    },
    onInvalid: async () => {},
  });
  await expect.poll(() => runs.length, { timeout: 20_000 }).toBe(8);
  await new Promise((r) => setTimeout(r, 1_500)); // would-be redeliveries would show up within one ack_wait
  await consumer.stop();
  expect(runs.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(maxConcurrent).toBe(2);
}, 30_000);

it("terminates and reports a bad message, retries a failing handler, and keeps consuming", async () => {
  const durable = await consumerFor("mixed");
  const invalid: InvalidDelivery[] = [];
  const attempts = new Map<number, number>();
  const consumer = startConsumer({
    bus,
    stream: bus.names.streams.tasks,
    durable,
    schema: Job,
    what: "job",
    logger,
    handle: async ({ n }, ctx) => {
      attempts.set(n, ctx.deliveryCount);
      if (n === 1 && ctx.deliveryCount < 2) throw new Error("transient");
    },
    onInvalid: async (bad) => void invalid.push(bad),
  });
  const subject = bus.names.subjects.task("mixed");
  await bus.js.publish(subject, "not json");
  await bus.js.publish(subject, JSON.stringify({ n: "one" }));
  await bus.js.publish(subject, JSON.stringify({ n: 1 }));
  await bus.js.publish(subject, JSON.stringify({ n: 2 }));
  await expect.poll(() => attempts.get(1), { timeout: 10_000 }).toBe(2);
  await expect.poll(() => attempts.get(2)).toBe(1);
  await consumer.stop();
  expect(invalid.map((b) => b.reason)).toEqual([
    expect.stringMatching(/not valid JSON/),
    expect.stringMatching(/n: .*expected number, received string/),
  ]);
  const info = await bus.jsm.consumers.info(bus.names.streams.tasks, durable);
  expect(info.num_pending + info.num_ack_pending).toBe(0);
});

it("brings a RetryLater message back after its delay and a released one at once, neither as a failure", async () => {
  const durable = bus.names.consumers.agent("later");
  const subject = bus.names.subjects.task("later");
  await ensureConsumer(bus, { stream: bus.names.streams.tasks, durable, filterSubject: subject, maxDeliver: 2 });
  const deliveries: Array<{ n: number; count: number; at: number }> = [];
  const exhausted: number[] = [];
  const consumer = startConsumer({
    bus,
    stream: bus.names.streams.tasks,
    durable,
    schema: Job,
    what: "job",
    logger,
    maxDeliver: 2,
    handle: async ({ n }, ctx) => {
      deliveries.push({ n, count: ctx.deliveryCount, at: Date.now() });
      if (n === 1) {
        if (ctx.deliveryCount === 1) throw new RetryLater(1_500);
        return;
      }
      // Released on every delivery, the last one included: still never reported as exhausted.
      throw new ReleaseMessage("shutting down");
    },
    onInvalid: async () => {},
    onExhausted: async ({ n }) => void exhausted.push(n),
  });
  await bus.js.publish(subject, JSON.stringify({ n: 1 }));
  await bus.js.publish(subject, JSON.stringify({ n: 2 }));
  await expect.poll(() => deliveries.length, { timeout: 10_000 }).toBe(4);
  await new Promise((r) => setTimeout(r, 500)); // no fifth delivery: max_deliver is 2
  await consumer.stop();
  expect(deliveries).toHaveLength(4);
  const gap = (n: number) => {
    const [first, second] = deliveries.filter((d) => d.n === n);
    return (second?.at ?? 0) - (first?.at ?? 0);
  };
  expect(gap(1)).toBeGreaterThanOrEqual(1_400);
  // Not the exponential failure backoff, nor ack_wait (1 s): at once.
  expect(gap(2)).toBeLessThan(900);
  expect(exhausted).toEqual([]);
});
