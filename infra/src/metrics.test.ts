import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";
import type { EventEmitter, StepEventInput } from "./events.ts";
import { startMetricsServer, type MetricsServer } from "./metrics-server.ts";
import { createMetrics, withMetrics, type MetricsRole } from "./metrics.ts";

const MODEL = "anthropic:claude-sonnet-4-5";
const goalId = "g-7f3a9c";
const ids = { goalId, tenant: "acme", subtaskId: "s1", agent: "researcher" } as const;
const usage = (ms: number) => ({ steps: 3, inputTokens: 2000, outputTokens: 500, costUsd: 0.0135, ms });

/** One goal: two model calls (one failed), a tool call, a limit hit, a subtask failing on a loop, the goal failing. */
const EVENTS: StepEventInput[] = [
  { type: "goal.accepted", goalId, tenant: "acme", user: "alice@example.com", plan: "research" },
  { type: "subtask.started", ...ids, attempt: 1, instance: "host-1" },
  {
    type: "model.call",
    ...ids,
    step: 0,
    purpose: "step",
    model: MODEL,
    text: "",
    toolCalls: ["web_search"],
    inputTokens: 1200,
    outputTokens: 300,
    costUsd: 0.0081,
    ms: 2300,
  },
  {
    type: "tool.call",
    ...ids,
    step: 0,
    tool: "web_search",
    kind: "read",
    args: '{"q":"nats"}',
    outcome: "ok",
    result: "3 hits",
    ms: 140,
  },
  {
    type: "model.call",
    ...ids,
    step: 1,
    purpose: "step",
    model: MODEL,
    text: "",
    toolCalls: [],
    inputTokens: 800,
    outputTokens: 200,
    costUsd: 0.0054,
    ms: 900,
    error: "overloaded",
  },
  { type: "limit.hit", ...ids, limit: "limit_steps", usage: usage(30_000) },
  { type: "subtask.finished", ...ids, status: "failed", usage: usage(42_000), failure: { kind: "loop", message: "x" } },
  {
    type: "goal.finished",
    goalId,
    tenant: "acme",
    status: "failed",
    usage: usage(45_000),
    failure: { kind: "loop", message: "x" },
  },
  {
    type: "message.rejected",
    subject: "sy.goals.submit.acme",
    reason: "goal does not match its schema",
    issues: [{ path: "text", message: "Required" }],
  },
];

type Sample = { name: string; labels: Record<string, string>; value: number };

/** Parses the sample lines of a text exposition (comments skipped). */
function parse(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (m === null) throw new Error(`not an exposition line: ${line}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
      );
      return { name: m[1] ?? "", labels, value: Number(m[3]) };
    });
}

/** The value of the one sample with exactly these labels, or undefined. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = parse(text).filter(
    (s) => s.name === name && JSON.stringify(sorted(s.labels)) === JSON.stringify(sorted(labels)),
  );
  expect(hits.length).toBeLessThanOrEqual(1);
  return hits[0]?.value;
}
const sorted = (labels: Record<string, string>) => Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));

/** The `sy_…` families a registry exports (Node's default metrics aside). */
async function families(metrics: { registry: { getMetricsAsJSON(): Promise<{ name: string }[]> } }): Promise<string[]> {
  return (await metrics.registry.getMetricsAsJSON())
    .map((m) => m.name)
    .filter((n) => n.startsWith("sy_"))
    .sort();
}

const BASE_FAMILIES = ["sy_in_flight", "sy_messages_rejected_total", "sy_step_events_total"];
const MODEL_FAMILIES = [
  "sy_model_call_duration_seconds",
  "sy_model_calls_total",
  "sy_model_cost_usd_total",
  "sy_model_tokens_total",
];

const PROPOSAL = {
  id: "p1",
  goalId,
  subtaskId: "s1",
  agent: "researcher",
  tool: "delete_branch",
  args: {},
  argsHash: "a".repeat(64),
  effectKey: "agent.researcher.effect.g.s1.delete_branch.abc",
  reason: "cleanup",
  kind: "destructive",
  status: "pending",
} as const;

describe("createMetrics", () => {
  it("an agent's metrics turn its step events into counters and histograms with low-cardinality labels", async () => {
    const metrics = createMetrics({ service: "agent-researcher", role: "agent", defaultMetrics: false });
    for (const e of EVENTS) metrics.observe(e);
    // A call to a tool that does not exist has no kind.
    metrics.observe({
      type: "tool.call",
      ...ids,
      step: 2,
      tool: "nope",
      args: "{}",
      outcome: "invalid",
      result: "",
      ms: 0,
    });
    const text = await metrics.text();
    const m = { agent: "researcher", model: MODEL };

    expect(text).toContain(`sy_model_tokens_total{agent="researcher",model="${MODEL}",direction="input"} 2000`);
    expect(value(text, "sy_model_tokens_total", { ...m, direction: "output" })).toBe(500);
    expect(value(text, "sy_model_cost_usd_total", m)).toBeCloseTo(0.0135, 10);
    expect(value(text, "sy_model_calls_total", { ...m, purpose: "step", outcome: "ok" })).toBe(1);
    expect(value(text, "sy_model_calls_total", { ...m, purpose: "step", outcome: "error" })).toBe(1);
    expect(value(text, "sy_model_call_duration_seconds_count", m)).toBe(2);
    expect(value(text, "sy_model_call_duration_seconds_sum", m)).toBeCloseTo(3.2, 10);
    expect(value(text, "sy_model_call_duration_seconds_bucket", { ...m, le: "1" })).toBe(1);
    expect(value(text, "sy_tool_calls_total", { agent: "researcher", kind: "read", outcome: "ok" })).toBe(1);
    expect(value(text, "sy_tool_call_duration_seconds_count", { agent: "researcher", kind: "read" })).toBe(1);
    expect(value(text, "sy_tool_calls_total", { agent: "researcher", kind: "unknown", outcome: "invalid" })).toBe(1);
    expect(value(text, "sy_limit_hits_total", { agent: "researcher", limit: "limit_steps" })).toBe(1);
    expect(value(text, "sy_subtasks_finished_total", { agent: "researcher", status: "failed" })).toBe(1);
    expect(value(text, "sy_subtask_duration_seconds_sum", { agent: "researcher", status: "failed" })).toBe(42);
    expect(value(text, "sy_steps_total", { agent: "researcher" })).toBe(3);
    expect(value(text, "sy_failures_total", { scope: "subtask", agent: "researcher", kind: "loop" })).toBe(1);
    expect(value(text, "sy_messages_rejected_total", { service: "agent-researcher" })).toBe(1);
    expect(value(text, "sy_step_events_total", { type: "subtask.started" })).toBe(1);
    expect(value(text, "sy_step_events_total", { type: "model.call" })).toBe(2);
    // The goal's events are the coordinator's to count: here they only count as step events.
    expect(value(text, "sy_step_events_total", { type: "goal.finished" })).toBe(1);
    expect(value(text, "sy_failures_total", { scope: "goal", agent: "", kind: "loop" })).toBeUndefined();
    // Goal ids, tenants, users and tool names live in events, never in labels.
    for (const s of [goalId, "acme", "alice", "web_search", "nope", "s1"]) expect(text).not.toContain(s);
  });

  it("the coordinator's metrics count goals, goal failures, the planner's model calls, proposals and approvals", async () => {
    const metrics = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    let text = await metrics.text();
    expect(value(text, "sy_in_flight", { service: "coordinator" })).toBe(0);
    expect(value(text, "sy_messages_rejected_total", { service: "coordinator" })).toBe(0);
    expect(value(text, "sy_goals_accepted_total")).toBe(0);

    for (const e of EVENTS) metrics.observe(e);
    metrics.observe({ ...(EVENTS[2] as Extract<StepEventInput, { type: "model.call" }>), agent: "planner" });
    metrics.recordProposal(PROPOSAL);
    metrics.recordApproval("approved");
    metrics.recordApproval("approved");
    metrics.recordApproval("rejected");
    metrics.inFlight.inc();
    metrics.inFlight.inc();
    metrics.inFlight.dec();

    text = await metrics.text();
    expect(value(text, "sy_goals_accepted_total")).toBe(1);
    expect(value(text, "sy_goals_finished_total", { status: "failed" })).toBe(1);
    expect(value(text, "sy_goal_duration_seconds_count", { status: "failed" })).toBe(1);
    expect(value(text, "sy_goal_duration_seconds_sum", { status: "failed" })).toBe(45);
    expect(value(text, "sy_failures_total", { scope: "goal", agent: "", kind: "loop" })).toBe(1);
    expect(value(text, "sy_model_cost_usd_total", { agent: "planner", model: MODEL })).toBeCloseTo(0.0081, 10);
    expect(value(text, "sy_proposals_total", { agent: "researcher", kind: "destructive" })).toBe(1);
    expect(value(text, "sy_approvals_total", { decision: "approved" })).toBe(2);
    expect(value(text, "sy_approvals_total", { decision: "rejected" })).toBe(1);
    expect(value(text, "sy_in_flight", { service: "coordinator" })).toBe(1);
    // A subtask's end is the agent's to count.
    expect(value(text, "sy_failures_total", { scope: "subtask", agent: "researcher", kind: "loop" })).toBeUndefined();
    expect(text).not.toContain("delete_branch");
  });

  it("the executor's metrics count actions by tool and outcome, with their duration", async () => {
    const metrics = createMetrics({ service: "executor", role: "executor", defaultMetrics: false });
    metrics.recordAction({ tool: "issue_refund", outcome: "executed", seconds: 0.3 });
    metrics.recordAction({ tool: "issue_refund", outcome: "executed", seconds: 0.7 });
    metrics.recordAction({ tool: "issue_refund", outcome: "refused", seconds: 0.01 });
    metrics.observe({
      type: "action.finished",
      ...ids,
      proposalId: "p1",
      tool: "issue_refund",
      status: "executed",
    });
    const text = await metrics.text();
    const executed = { tool: "issue_refund", outcome: "executed" };
    expect(value(text, "sy_actions_total", executed)).toBe(2);
    expect(value(text, "sy_actions_total", { tool: "issue_refund", outcome: "refused" })).toBe(1);
    expect(value(text, "sy_actions_total", { tool: "issue_refund", outcome: "failed" })).toBeUndefined();
    expect(value(text, "sy_action_duration_seconds_count", executed)).toBe(2);
    expect(value(text, "sy_action_duration_seconds_sum", executed)).toBeCloseTo(1, 10);
    expect(value(text, "sy_action_duration_seconds_bucket", { ...executed, le: "0.5" })).toBe(1);
    expect(value(text, "sy_step_events_total", { type: "action.finished" })).toBe(1);
  });

  it("registers only the families each role can move", async () => {
    const agent = createMetrics({ service: "agent-researcher", role: "agent", defaultMetrics: false });
    const coordinator = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    const executor = createMetrics({ service: "executor", role: "executor", defaultMetrics: false });
    const base = createMetrics({ service: "console", role: "base", defaultMetrics: false });
    expect(await families(base)).toEqual(BASE_FAMILIES);
    expect(await families(executor)).toEqual(
      [...BASE_FAMILIES, "sy_action_duration_seconds", "sy_actions_total"].sort(),
    );
    expect(await families(agent)).toEqual(
      [
        ...BASE_FAMILIES,
        ...MODEL_FAMILIES,
        "sy_failures_total",
        "sy_limit_hits_total",
        "sy_steps_total",
        "sy_subtask_duration_seconds",
        "sy_subtasks_finished_total",
        "sy_tool_call_duration_seconds",
        "sy_tool_calls_total",
      ].sort(),
    );
    expect(await families(coordinator)).toEqual(
      [
        ...BASE_FAMILIES,
        ...MODEL_FAMILIES,
        "sy_approvals_total",
        "sy_failures_total",
        "sy_goal_duration_seconds",
        "sy_goals_accepted_total",
        "sy_goals_finished_total",
        "sy_proposals_total",
      ].sort(),
    );
    // Every role's events reach every registry: none grows another role's families.
    for (const m of [agent, coordinator, executor, base]) for (const e of EVENTS) m.observe(e);
    expect(await executor.text()).not.toMatch(/^sy_(model|tool|goal|subtask|limit|failures)/m);
    expect(await base.text()).not.toMatch(/^sy_(model|tool|goal|subtask|limit|failures|action)/m);
  });

  it("rejects a role it does not know", () => {
    expect(() => createMetrics({ service: "x", role: "agnet" as MetricsRole })).toThrow(
      /role "agnet" is not one of coordinator, agent, executor, base/,
    );
  });

  it("keeps each instance's values to itself", async () => {
    const a = createMetrics({ service: "a", role: "agent", defaultMetrics: false });
    const b = createMetrics({ service: "b", role: "agent", defaultMetrics: false });
    for (const e of EVENTS) a.observe(e);
    a.inFlight.set(5);
    const tokens = { agent: "researcher", model: MODEL, direction: "input" };
    expect(value(await a.text(), "sy_model_tokens_total", tokens)).toBe(2000);
    expect(value(await b.text(), "sy_model_tokens_total", tokens)).toBeUndefined();
    expect(value(await b.text(), "sy_in_flight", { service: "b" })).toBe(0);
    expect(value(await b.text(), "sy_step_events_total", { type: "model.call" })).toBeUndefined();
  });

  it("adds Node process metrics under their standard names (stock dashboards read them) unless turned off", async () => {
    const text = await createMetrics({ service: "x", role: "base" }).text();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    expect(await createMetrics({ service: "x", role: "base", defaultMetrics: false }).text()).not.toContain(
      "process_cpu",
    );
  });

  it("withMetrics observes every event and still emits it", async () => {
    const metrics = createMetrics({ service: "agent-researcher", role: "agent", defaultMetrics: false });
    const sent: string[] = [];
    const inner: EventEmitter = {
      emit: async (e) => void sent.push(`emit:${e.type}`),
      emitSafely: async (e) => void sent.push(`safe:${e.type}`),
    };
    const emitter = withMetrics(inner, metrics);
    await emitter.emit(EVENTS[2]!, { "Nats-Msg-Id": "x" });
    await emitter.emitSafely(EVENTS[3]!);
    expect(sent).toEqual(["emit:model.call", "safe:tool.call"]);
    const text = await metrics.text();
    expect(
      value(text, "sy_model_calls_total", { agent: "researcher", model: MODEL, purpose: "step", outcome: "ok" }),
    ).toBe(1);
    expect(value(text, "sy_tool_calls_total", { agent: "researcher", kind: "read", outcome: "ok" })).toBe(1);
  });
});

describe("startMetricsServer", () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves /metrics and /healthz on a free port, 404 elsewhere", async () => {
    const metrics = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    for (const e of EVENTS) metrics.observe(e);
    server = await startMetricsServer({ metrics, port: 0 });
    expect(server.port).toBeGreaterThan(0);
    expect(server.host).toBe("127.0.0.1");
    const base = `http://127.0.0.1:${server.port}`;

    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(metrics.contentType);
    expect(value(await res.text(), "sy_goals_finished_total", { status: "failed" })).toBe(1);

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe("ok");

    expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/metricsx`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers /healthz (liveness) and /readyz (readiness) from the process's health, with the reason", async () => {
    let health = { live: true, ready: false, detail: "reconnecting to NATS" };
    server = await startMetricsServer({
      metrics: createMetrics({ service: "x", role: "base", defaultMetrics: false }),
      port: 0,
      health: () => health,
    });
    const base = `http://127.0.0.1:${server.port}`;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      return [res.status, await res.text()];
    };
    expect(await get("/healthz")).toEqual([200, "ok"]);
    expect(await get("/readyz")).toEqual([503, "reconnecting to NATS"]);
    health = { live: true, ready: true, detail: "ok" };
    expect(await get("/readyz")).toEqual([200, "ok"]);
    health = { live: false, ready: false, detail: "the NATS connection is closed" };
    expect(await get("/healthz")).toEqual([503, "the NATS connection is closed"]);
  });

  it("closes promptly with a keep-alive connection open, and fails on a port in use", async () => {
    server = await startMetricsServer({
      metrics: createMetrics({ service: "x", role: "base", defaultMetrics: false }),
      port: 0,
    });
    await (await fetch(`http://127.0.0.1:${server.port}/healthz`)).text();
    await expect(
      startMetricsServer({
        metrics: createMetrics({ service: "y", role: "base", defaultMetrics: false }),
        port: server.port,
      }),
    ).rejects.toThrow(/EADDRINUSE/);
    await server.close();
    server = undefined;
  });
});

describe("metrics config", () => {
  it("has no endpoint by default and reads SY_METRICS_PORT / SY_METRICS_HOST", () => {
    expect(loadConfig({})).toMatchObject({ metricsPort: undefined, metricsHost: "127.0.0.1" });
    expect(loadConfig({ SY_METRICS_PORT: "9464", SY_METRICS_HOST: "0.0.0.0" })).toMatchObject({
      metricsPort: 9464,
      metricsHost: "0.0.0.0",
    });
    expect(loadConfig({ SY_METRICS_PORT: "0" }).metricsPort).toBe(0);
    expect(() => loadConfig({ SY_METRICS_PORT: "70000" })).toThrow(/SY_METRICS_PORT="70000"/);
    expect(() => loadConfig({ SY_METRICS_PORT: "http" })).toThrow(/SY_METRICS_PORT="http"/);
  });
});
