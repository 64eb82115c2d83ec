// Readiness follows the process's consumer loops, against a real nats-server: a consumer deleted under a running
// loop makes `/readyz` 503 naming it and its error (`/healthz` stays 200), and once it exists again `/readyz` is 200.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AUTH_CONF_FILE, credentialsEnv, initAuthDir } from "./auth/auth-dir.ts";
import { identity } from "./auth/identities.ts";
import { loadConfig } from "./config.ts";
import { connectBus, type Bus } from "./connect.ts";
import { startConsumer } from "./consume.ts";
import { consumerStates, type ConsumerState } from "./consumer-health.ts";
import { createLogger } from "./logger.ts";
import { startMetricsServer } from "./metrics-server.ts";
import { createMetrics } from "./metrics.ts";
import { startNatsServer, type NatsServerHandle } from "./nats-server.ts";
import { processHealth, type ProcessHealthInput } from "./process-health.ts";
import { ensureConsumer, ensureTopology } from "./topology.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: NatsServerHandle;
let bus: Bus;
let authDir: string;

beforeAll(async () => {
  const prefix = `t${randomBytes(4).toString("hex")}`;
  authDir = mkdtempSync(join(tmpdir(), "sy-auth-"));
  initAuthDir({ dir: authDir, prefixes: [prefix], identities: [identity("admin")] });
  server = await startNatsServer({ configFile: join(authDir, AUTH_CONF_FILE) });
  const credentials = server.configured ? credentialsEnv(authDir, "admin") : { SY_INSECURE: "true" };
  bus = await connectBus({ config: loadConfig({ ...server.env, ...credentials, SY_PREFIX: prefix }), name: "test" });
  await ensureTopology(bus);
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
  rmSync(authDir, { recursive: true, force: true });
});

const running: ProcessHealthInput = { closed: false, connected: true, started: true, stopping: false, consumers: [] };

describe("processHealth", () => {
  const failing: ConsumerState = {
    stream: "SY_TASKS",
    durable: "agent-writer",
    healthy: false,
    lastError: "consumer not found",
    failingSince: "2026-03-04T10:00:00.000Z",
  };
  const fine: ConsumerState = { stream: "SY_TASKS", durable: "agent-report", healthy: true, lastError: "old" };

  it("is ready only when connected, started, not stopping, and every consumer fetches", () => {
    expect(processHealth({ ...running, consumers: [fine] })).toEqual({ live: true, ready: true, detail: "ok" });
    expect(processHealth({ ...running, closed: true })).toMatchObject({ live: false, ready: false });
    expect(processHealth({ ...running, connected: false })).toEqual({
      live: true,
      ready: false,
      detail: "reconnecting to NATS",
    });
    expect(processHealth({ ...running, started: false })).toMatchObject({ live: true, ready: false });
    expect(processHealth({ ...running, stopping: true })).toMatchObject({ live: true, ready: false });
    const two = processHealth({ ...running, consumers: [failing, fine, { ...failing, durable: "agent-keywords" }] });
    expect(two.live).toBe(true);
    expect(two.ready).toBe(false);
    expect(two.detail).toBe(
      "consumer agent-writer on SY_TASKS failing since 2026-03-04T10:00:00.000Z: consumer not found; " +
        "consumer agent-keywords on SY_TASKS failing since 2026-03-04T10:00:00.000Z: consumer not found",
    );
  });
});

describe("readiness with a real consumer", () => {
  it("goes 503 naming the consumer while it is deleted, and back to 200 once it exists again", async () => {
    const { streams, subjects } = bus.names;
    const spec = { stream: streams.tasks, durable: "agent-ready", filterSubject: subjects.task("ready") };
    await ensureConsumer(bus, spec);
    const handled: number[] = [];
    const consumer = startConsumer({
      bus,
      stream: spec.stream,
      durable: spec.durable,
      schema: z.object({ n: z.int() }),
      what: "job",
      logger,
      handle: async ({ n }) => void handled.push(n),
      onInvalid: async () => {},
    });
    const metricsServer = await startMetricsServer({
      metrics: createMetrics({ service: "agent-ready", role: "agent", defaultMetrics: false }),
      port: 0,
      health: () => processHealth({ ...running, closed: bus.nc.isClosed(), consumers: consumerStates(bus) }),
    });
    const get = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${metricsServer.port}${path}`);
      return { status: res.status, body: await res.text() };
    };
    try {
      expect(consumerStates(bus)).toEqual([expect.objectContaining({ durable: "agent-ready", healthy: true })]);
      expect(await get("/readyz")).toEqual({ status: 200, body: "ok" });

      await bus.jsm.consumers.delete(spec.stream, spec.durable);
      await expect.poll(async () => (await get("/readyz")).status, { timeout: 10_000 }).toBe(503);
      const { body } = await get("/readyz");
      expect(body).toContain(`consumer agent-ready on ${streams.tasks} failing since`);
      expect(body).toMatch(/consumer (deleted|not found)/);
      // Liveness is not readiness: a restart would not bring the consumer back.
      expect(await get("/healthz")).toEqual({ status: 200, body: "ok" });

      await ensureConsumer(bus, spec);
      await bus.js.publish(subjects.task("ready"), JSON.stringify({ n: 1 }));
      await expect.poll(async () => (await get("/readyz")).status, { timeout: 20_000 }).toBe(200);
      await expect.poll(() => handled, { timeout: 10_000 }).toEqual([1]);
      expect(consumerStates(bus)).toEqual([
        expect.objectContaining({ healthy: true, lastError: expect.stringMatching(/consumer (deleted|not found)/) }),
      ]);
    } finally {
      await consumer.stop();
      await metricsServer.close();
    }
    // A stopped loop is none of the process's consumers any more.
    expect(consumerStates(bus)).toEqual([]);
  });

  it("is not ready while a consumer it starts does not exist", async () => {
    const consumer = startConsumer({
      bus,
      stream: bus.names.streams.tasks,
      durable: "agent-missing",
      schema: z.unknown(),
      what: "job",
      logger,
      handle: async () => {},
      onInvalid: async () => {},
    });
    try {
      await expect
        .poll(() => processHealth({ ...running, consumers: consumerStates(bus) }).detail, { timeout: 5_000 })
        .toMatch(/^consumer agent-missing on \w+ failing since \S+: consumer not found$/);
    } finally {
      await consumer.stop();
    }
  });
});
