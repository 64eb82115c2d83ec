// One goal is one trace: the coordinator, the agents and the executor export spans over OTLP (protobuf, decoded from
// the wire by the test's receiver), linked through the W3C trace context carried in NATS headers, with the attributes
// of the GenAI semantic conventions and the ones Langfuse and LangSmith read.
import { randomUUID } from "node:crypto";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson, subjectTemplate, SWITCHYARD_VERSION } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { startOtlpCollector, type CollectedSpan } from "../fixtures/otlp-collector.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { ENTRIES, runCli } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

// OTLP's enums, as they arrive on the wire.
const SPAN_KIND = { internal: 1, client: 3, producer: 4, consumer: 5 } as const;
const SPAN_STATUS = { unset: 0, error: 2 } as const;

let stack: FaultStack;
let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let payments: FakePayments;

beforeAll(async () => {
  collector = await startOtlpCollector();
  payments = await startFakePayments();
  stack = await startFaultStack({
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_BSP_SCHEDULE_DELAY: "100",
  });
  await Promise.all(
    [
      stack.startCoordinator(),
      stack.startService("keywords-1", ENTRIES.keywords),
      // Only the notifier captures prompts and replies (opt-in), through its redaction hook.
      stack.startService("notifier-1", ENTRIES.notifier, {
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: "true",
        SY_TEST_REDACT_EMAILS: "1",
      }),
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
  const subjects = stack.bus.names.subjects;
  // Messaging spans name the subject's template: a goal id would make every goal a span name of its own.
  const goalDoneSpan = `publish ${subjectTemplate(subjects.goalDone(tenant, id), id)}`;
  expect(goalDoneSpan).toBe(`publish ${stack.bus.names.prefix}.goal.done.${tenant}.{goal}`);
  await expect.poll(() => named(goalDoneSpan).length, { timeout: 10_000 }).toBe(1);
  await expect.poll(() => named("chat notifier").length, { timeout: 10_000 }).toBe(2);
  // Each process exports its spans in its own batches: wait for the agents' outermost spans too.
  for (const agent of ["keywords", "notifier"]) {
    const processSpan = `process ${subjects.task(agent)}`;
    await expect.poll(() => named(processSpan).length, { timeout: 10_000 }).toBe(1);
    // The coordinator's handling of the agent's result ends after the goal's result went out: a later batch.
    const resultSpan = `process ${subjects.results(agent)}`;
    await expect.poll(() => named(resultSpan).length, { timeout: 10_000 }).toBe(1);
  }

  const spans = inTrace();
  expect(new Set(spans.map((s) => s.encoding))).toEqual(new Set(["protobuf"]));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: CollectedSpan | undefined) =>
    s?.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
  const one = (name: string) => {
    const found = named(name);
    expect(found, name).toHaveLength(1);
    return found[0] as CollectedSpan;
  };

  expect(new Set(spans.map((s) => s.service))).toEqual(new Set(["coordinator", "agent-keywords", "agent-notifier"]));
  for (const s of spans) {
    expect(s.resource).toMatchObject({
      "service.version": SWITCHYARD_VERSION,
      "service.namespace": stack.bus.names.prefix,
    });
  }
  const root = one(`process ${subjects.goalSubmit(tenant)}`);
  expect(root.parentSpanId).toBeUndefined();
  // The goal is the conversation and the session; its user is the trace's user, in each backend's vocabulary.
  expect(root.attributes).toMatchObject({
    "sy.goal.id": id,
    "gen_ai.conversation.id": id,
    "session.id": id,
    "user.id": "ana",
    "langsmith.trace.session_id": id,
    "langsmith.metadata.user_id": "ana",
  });
  expect(parentOf(one("plan traced"))).toBe(root);

  for (const agent of ["keywords", "notifier"]) {
    const publish = one(`publish ${subjects.task(agent)}`);
    expect(publish.service).toBe("coordinator");
    expect(publish.kind).toBe(SPAN_KIND.producer);
    expect(publish.attributes).toMatchObject({ "messaging.operation.type": "send", "messaging.system": "nats" });
    expect(parentOf(publish)).toBe(root);
    const process = one(`process ${subjects.task(agent)}`);
    expect(process.service).toBe(`agent-${agent}`);
    expect(process.kind).toBe(SPAN_KIND.consumer);
    expect(parentOf(process)).toBe(publish);
    const invoke = one(`invoke_agent ${agent}`);
    expect(parentOf(invoke)).toBe(process);
    expect(invoke.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": agent,
      "gen_ai.conversation.id": id,
      "user.id": "ana",
      "sy.status": "ok",
    });
    expect(invoke.status.code).not.toBe(SPAN_STATUS.error);
  }

  const invokeNotifier = one("invoke_agent notifier");
  // The agent span and its model calls name the model the same way.
  expect(invokeNotifier.attributes).toMatchObject({
    "gen_ai.request.model": "notifier",
    "sy.model": "scripted:notifier",
    "gen_ai.provider.name": "switchyard.scripted",
  });
  for (const chat of named("chat notifier")) {
    expect(parentOf(chat)).toBe(invokeNotifier);
    expect(chat.kind).toBe(SPAN_KIND.client);
    expect(chat.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "switchyard.scripted",
      // The name semantic conventions 1.36 used, still sent unless OTEL_SEMCONV_STABILITY_OPT_IN says otherwise.
      "gen_ai.system": "switchyard.scripted",
      "gen_ai.request.model": "notifier",
      "gen_ai.response.model": "notifier",
      "gen_ai.response.finish_reasons": ["tool_use"],
      "gen_ai.conversation.id": id,
      "gen_ai.agent.name": "notifier",
      "user.id": "ana",
    });
    expect(chat.attributes["gen_ai.response.id"]).toEqual(expect.any(String));
    expect(chat.attributes["gen_ai.usage.input_tokens"]).toBeGreaterThan(0);
    // Priced like a small real model: the cost is there under our name and under the one Langfuse reads.
    expect(chat.attributes["gen_ai.usage.cost"]).toBeGreaterThan(0);
    expect(chat.attributes["gen_ai.usage.cost"]).toBe(chat.attributes["sy.cost_usd"]);
  }
  // Content capture is on for the notifier: the prompt and the reply, with the address masked by its hook.
  const [firstChat, secondChat] = named("chat notifier").sort(
    (a, b) => Number(a.attributes["sy.step"]) - Number(b.attributes["sy.step"]),
  );
  const input = JSON.parse(String(firstChat?.attributes["gen_ai.input.messages"])) as unknown;
  expect(input).toEqual([{ role: "user", parts: [{ type: "text", content: expect.stringContaining("[email]") }] }]);
  expect(JSON.stringify(input)).not.toContain("dana@example.com");
  expect(JSON.parse(String(firstChat?.attributes["gen_ai.system_instructions"]))).toEqual([
    { type: "text", content: expect.stringContaining("Notify the customer") },
  ]);
  expect(JSON.parse(String(firstChat?.attributes["gen_ai.output.messages"]))).toEqual([
    {
      role: "assistant",
      parts: [{ type: "tool_call", id: expect.any(String), name: "send_email", arguments: expect.any(Object) }],
      finish_reason: "tool_use",
    },
  ]);
  // The second call sees the tool's result as the reply to the first call.
  expect(String(secondChat?.attributes["gen_ai.input.messages"])).toContain('"type":"tool_call_response"');

  const tool = one("execute_tool send_email");
  expect(parentOf(tool)).toBe(invokeNotifier);
  expect(tool.attributes).toMatchObject({
    "gen_ai.tool.name": "send_email",
    "gen_ai.tool.type": "function",
    "gen_ai.conversation.id": id,
    "sy.tool.kind": "write",
    "sy.tool.outcome": "ok",
  });

  // The coordinator's handling of each result continues the agent's trace: its parent is the agent's publish span.
  for (const agent of ["keywords", "notifier"]) {
    const processResult = one(`process ${subjects.results(agent)}`);
    expect(processResult.service).toBe("coordinator");
    expect(parentOf(processResult)).toBe(one(`publish ${subjects.results(agent)}`));
  }
  expect(parentOf(one(goalDoneSpan))).toBe(root);
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
  await expect.poll(() => inTrace("execute_tool issue_refund").map((s) => s.service)).toContain("executor");
  const execution = inTrace("execute_tool issue_refund").find((s) => s.service === "executor");
  expect(execution?.attributes).toMatchObject({
    "gen_ai.tool.type": "function",
    "gen_ai.conversation.id": id,
    "sy.status": "executed",
  });
  expect(execution?.status.code).not.toBe(SPAN_STATUS.error);
  // Content capture is opt-in: the refunds agent was not given the switch, so its model calls carry no content.
  const chats = collector.spans.filter((s) => s.traceId === result.traceId && s.service === "agent-refunds");
  expect(chats.filter((s) => s.name.startsWith("chat ")).length).toBeGreaterThan(0);
  for (const chat of chats) {
    expect(chat.attributes["gen_ai.input.messages"]).toBeUndefined();
    expect(chat.attributes["gen_ai.output.messages"]).toBeUndefined();
  }
});

it("a failed action is an error in the trace: error.type and an error status on the executor's span", async () => {
  payments.failing = true;
  try {
    const id = randomUUID();
    const goal = Goal.parse({
      v: WIRE_VERSION,
      id,
      tenant: "acme",
      user: "ana",
      text: "Please refund order A-1002, it never arrived.",
      plan: "refund",
      input: { orderId: "A-1002" },
    });
    await publishJson(stack.bus, stack.bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
    const paused = await stack.log.waitForResult(id);
    expect(paused.status).toBe("needs_approval");
    // The CLI follows the approved action to its end and exits non-zero when it failed, naming the failure.
    const approve = runCli(
      { ...stack.env, SY_USER: "reviewer-rita" },
      "approvals",
      "approve",
      paused.pendingApprovals[0] ?? "",
    );
    await expect(approve).rejects.toMatchObject({ stdout: expect.stringContaining("payments API answered 502") });
    const result = await waitForStoredResult(stack.bus, id);
    expect(result.status).not.toBe("ok");

    const executions = () =>
      collector.spans.filter(
        (s) => s.traceId === result.traceId && s.service === "executor" && s.name === "execute_tool issue_refund",
      );
    await expect.poll(() => executions().length, { timeout: 10_000 }).toBeGreaterThan(0);
    for (const span of executions()) {
      expect(span.status).toMatchObject({ code: SPAN_STATUS.error, message: expect.stringContaining("502") });
      expect(span.attributes).toMatchObject({ "error.type": "action_failed", "sy.status": "failed" });
    }
  } finally {
    payments.failing = false;
  }
});
