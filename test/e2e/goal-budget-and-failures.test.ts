// Goal-level limits (budget, deadline) and what the coordinator does with a failed subtask (retry with backoff,
// fallback agent, deterministic handler, the human review queue).
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { defineAgent, serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, WIRE_VERSION, type Budget } from "@switchyard/contracts";
import { createCoordinator, FailurePolicy, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { notifierAgent } from "../fixtures/agents/notifier.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const Text = z.object({ text: z.string() });
const Out = z.object({ by: z.string() });
const failing = (name: string, failUntilAttempt: number) =>
  defineAgent({
    name,
    version: "1.0.0",
    description: `Test fixture: throws until attempt ${failUntilAttempt}.`,
    input: Text,
    output: Out,
    handler: async (_input, ctx) => {
      if (ctx.attempt < failUntilAttempt) throw new Error(`${name} is down (attempt ${ctx.attempt})`);
      return { by: `${name}#${ctx.attempt}` };
    },
  });

let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
const agents: ServedAgent[] = [];

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, uniquePrefix()));
  log = collectEvents(bus.nc, bus.names);
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    templates: loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json")),
    failurePolicies: {
      flaky: FailurePolicy.parse({ retries: 2, backoffMs: 300 }),
      broken: FailurePolicy.parse({ retries: 0, fallback: { agent: "backup" } }),
      "broken-human": FailurePolicy.parse({ retries: 0, fallback: "human" }),
      "broken-canned": FailurePolicy.parse({ retries: 0, fallback: { handler: "canned" } }),
    },
    fallbackHandlers: { canned: async (input) => ({ by: `canned reply to ${(input as { text: string }).text}` }) },
  });
  for (const agent of [
    notifierAgent,
    sleepyAgent,
    failing("flaky", 3),
    failing("broken", 99),
    failing("backup", 1),
    failing("broken-human", 99),
    failing("broken-canned", 99),
  ]) {
    agents.push(await serveAgent({ agent, bus, buckets, logger }));
  }
});

afterAll(async () => {
  log.stop();
  for (const a of agents) await a.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

async function submit(plan: string, input: Record<string, unknown> = {}, budget: Budget = {}) {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: `goal ${id}`,
    plan,
    input,
    budget,
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
  return id;
}

describe("goal limits", () => {
  it("goal budget exhaustion cancels the rest and returns the partial results with the limit status", async () => {
    const id = await submit("budgeted", { to: "dana@example.com", sleepMs: 20_000 }, { maxCostUsd: 0.000001 });
    const result = await log.waitForResult(id, 20_000);
    expect(result.status).toBe("limit_cost");
    // The notifier's own budget was drawn from the goal's, so it stopped itself at the limit with a partial output.
    expect(result.subtasks.map((s) => [s.subtaskId, s.status])).toEqual([["notify", "limit_cost"]]);
    expect(result.usage.costUsd).toBeGreaterThan(0.000001);
    // The slow sibling was aborted (not left to sleep 20 s) and the dependent subtask never started.
    const aborted = await log.waitForEvent(
      (e) => e.type === "subtask.finished" && e.goalId === id && e.subtaskId === "slow",
      10_000,
    );
    expect(aborted).toMatchObject({ status: "cancelled" });
    expect(log.events.some((e) => e.type === "subtask.dispatched" && e.goalId === id && e.subtaskId === "after")).toBe(
      false,
    );
  });

  it("a goal whose deadline passes ends limit_time even when no agent ever answers", async () => {
    const started = Date.now();
    const id = await submit("orphan", {}, { maxMs: 1_500 });
    const result = await log.waitForResult(id, 15_000);
    expect(result.status).toBe("limit_time");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
  });
});

describe("failed subtasks", () => {
  it("are retried with backoff for retryable failures", async () => {
    const id = await submit("run-flaky");
    const result = await log.waitForResult(id, 20_000);
    expect(result).toMatchObject({ status: "ok", output: { by: "flaky#3" } });
    const dispatches = log.events
      .filter((e) => e.type === "subtask.dispatched" && e.goalId === id)
      .map((e) => Date.parse(e.at));
    expect(dispatches).toHaveLength(3);
    // Backoff of 300 ms, then 600 ms.
    expect((dispatches[1] ?? 0) - (dispatches[0] ?? 0)).toBeGreaterThanOrEqual(250);
    expect((dispatches[2] ?? 0) - (dispatches[1] ?? 0)).toBeGreaterThanOrEqual(550);
  });

  it("fall back to another agent", async () => {
    const id = await submit("run-broken");
    const result = await log.waitForResult(id, 20_000);
    expect(result).toMatchObject({ status: "ok", output: { by: "backup#2" } });
    expect(result.subtasks[0]).toMatchObject({ agent: "backup", attempt: 2 });
  });

  it("fall back to a deterministic handler", async () => {
    const id = await submit("run-broken-canned");
    const result = await log.waitForResult(id, 20_000);
    expect(result).toMatchObject({ status: "ok", output: { by: `canned reply to goal ${id}` } });
    expect(result.subtasks[0]?.instance).toBe("coordinator-fallback:canned");
  });

  it("go to the human review queue: the goal pauses with the failure as the question", async () => {
    const id = await submit("run-broken-human");
    const result = await log.waitForResult(id, 20_000);
    expect(result.status).toBe("needs_input");
    expect(result.subtasks[0]?.assessment?.unknown[0]).toMatch(
      /work failed \(crashed\): handler threw: broken-human is down/,
    );
  });

  it("are not retried past the goal's budget", async () => {
    const bare = await submit("run-flaky", {}, { maxSteps: 1 });
    const limited = await log.waitForResult(bare, 20_000);
    // The first failed attempt already used the goal's one step: no retry, the goal ends on its budget.
    expect(limited.status).toBe("limit_steps");
  });
});
