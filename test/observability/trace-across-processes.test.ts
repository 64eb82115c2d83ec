// One goal is one trace: the coordinator and two agent processes export spans over OTLP, linked through the W3C
// trace context carried in NATS headers, named per the GenAI semantic conventions.
import { randomUUID } from "node:crypto";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { startOtlpCollector, type CollectedSpan } from "../fixtures/otlp-collector.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { ENTRIES, runCli } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

let stack: FaultStack;
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let payments: FakePayments;

beforeAll(async () => {
  collector = await startOtlpCollector();
  payments = await startFakePayments();
  stack = await startFaultStack({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_BSP_SCHEDULE_DELAY: "100" });
  await Promise.all(
    [
      stack.startCoordinator(),
      stack.startService("keywords-1", ENTRIES.keywords),
      stack.startService("notifier-1", ENTRIES.notifier),
      stack.startService("refunds-1", ENTRIES.refunds),
      stack.startService("executor-1", ENTRIES.executor, { SY_PAYMENTS_URL: payments.url }),
    ].map((p) => p.ready()),
  );
});
afterAll(async () => {
  await stack?.stop();
  await collector?.close();
  await payments?.close();
});

it("a multi-agent goal yields one trace whose spans nest across processes", async () => {
  const id = randomUUID();
  await stack.submitGoal(id, "traced", { to: "dana@example.com" });
  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  const tenant = "acme"; // the tenant submitGoal submits as

  const inTrace = () => collector.spans.filter((s) => s.traceId === result.traceId);
  const named = (name: string) => inTrace().filter((s) => s.name === name);
  await expect
    .poll(() => named(`publish ${stack.bus.names.subjects.goalDone(tenant, id)}`).length, { timeout: 10_000 })
    .toBe(1);
  await expect.poll(() => named("chat notifier").length, { timeout: 10_000 }).toBe(2);
  // Each process exports its spans in its own batches: wait for the agents' outermost spans too.
  for (const agent of ["keywords", "notifier"]) {
    const processSpan = `process ${stack.bus.names.subjects.task(agent)}`;
    await expect.poll(() => named(processSpan).length, { timeout: 10_000 }).toBe(1);
    // The coordinator's handling of the agent's result ends after the goal's result went out: a later batch.
    const resultSpan = `process ${stack.bus.names.subjects.results(agent)}`;
    await expect.poll(() => named(resultSpan).length, { timeout: 10_000 }).toBe(1);
  }

  const spans = inTrace();
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: CollectedSpan | undefined) =>
    s?.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
  const one = (name: string) => {
    const found = named(name);
    expect(found, name).toHaveLength(1);
    return found[0] as CollectedSpan;
  };
  const subjects = stack.bus.names.subjects;

  expect(new Set(spans.map((s) => s.service))).toEqual(new Set(["coordinator", "agent-keywords", "agent-notifier"]));
  const root = one(`process ${subjects.goalSubmit(tenant)}`);
  expect(root.parentSpanId).toBeUndefined();
  expect(root.attributes["sy.goal.id"]).toBe(id);
  expect(parentOf(one("plan traced"))).toBe(root);

  for (const agent of ["keywords", "notifier"]) {
    const publish = one(`publish ${subjects.task(agent)}`);
    expect(publish.service).toBe("coordinator");
    expect(parentOf(publish)).toBe(root);
    const process = one(`process ${subjects.task(agent)}`);
    expect(process.service).toBe(`agent-${agent}`);
    expect(parentOf(process)).toBe(publish);
    const invoke = one(`invoke_agent ${agent}`);
    expect(parentOf(invoke)).toBe(process);
    expect(invoke.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": agent,
      "sy.status": "ok",
    });
  }

  const invokeNotifier = one("invoke_agent notifier");
  for (const chat of named("chat notifier")) {
    expect(parentOf(chat)).toBe(invokeNotifier);
    expect(chat.attributes).toMatchObject({ "gen_ai.operation.name": "chat", "gen_ai.request.model": "notifier" });
    expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
  }
  const tool = one("execute_tool send_email");
  expect(parentOf(tool)).toBe(invokeNotifier);
  expect(tool.attributes).toMatchObject({
    "gen_ai.tool.name": "send_email",
    "sy.tool.kind": "write",
    "sy.tool.outcome": "ok",
  });

  // The coordinator's handling of each result continues the agent's trace: its parent is the agent's publish span.
  for (const agent of ["keywords", "notifier"]) {
    const processResult = one(`process ${subjects.results(agent)}`);
    expect(processResult.service).toBe("coordinator");
    expect(parentOf(processResult)).toBe(one(`publish ${subjects.results(agent)}`));
  }
  expect(parentOf(one(`publish ${subjects.goalDone(tenant, id)}`))).toBe(root);
});

it("a goal with an approval stays one trace: the proposal, the person's decision and the executor's run join it", async () => {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: "Please refund order A-1001, the shoes fell apart.",
    plan: "refund",
    input: { orderId: "A-1001" },
  });
  await publishJson(stack.bus, stack.bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  const paused = await stack.log.waitForResult(id);
  expect(paused.status).toBe("needs_approval");
  // A person approves from the CLI: the decision carries no trace context of its own.
  await runCli({ ...stack.env, SY_USER: "reviewer-rita" }, "approvals", "approve", paused.pendingApprovals[0] ?? "");
  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  expect(payments.requests).toHaveLength(1);

  const subjects = stack.bus.names.subjects;
  const inTrace = (name: string) => collector.spans.filter((s) => s.traceId === result.traceId && s.name === name);
  for (const [name, service] of [
    [`process ${subjects.proposals("refunds")}`, "coordinator"],
    [`process ${subjects.approvalDecide("reviewer-rita")}`, "coordinator"],
    [`process ${subjects.actionExecute}`, "executor"],
    [`process ${subjects.actionOutcome}`, "coordinator"],
  ] as const) {
    await expect.poll(() => inTrace(name).map((s) => s.service), { timeout: 10_000 }).toContain(service);
  }
  // Nothing of this goal went to a trace of its own.
  const goalSpans = collector.spans.filter((s) => s.attributes["sy.goal.id"] === id);
  expect(new Set(goalSpans.map((s) => s.traceId))).toEqual(new Set([result.traceId]));
});
