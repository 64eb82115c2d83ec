// Step events of a small LLM goal, for the pure history tests (no bus).
import { StepEvent, WIRE_VERSION, type Usage } from "@switchyard/contracts";
import type { PublishedEvent } from "./published-event.ts";

// Events of goal g1 belong to tenant acme unless a fixture says otherwise.
type Input = StepEvent extends infer E
  ? E extends StepEvent
    ? Omit<E, "v" | "at" | "source" | "tenant"> & { tenant?: string }
    : never
  : never;

const T0 = Date.parse("2026-01-31T12:00:00.000Z");

/** A valid StepEvent `ms` milliseconds after T0 (validated, so a broken fixture fails loudly). */
export function ev(ms: number, e: Input): StepEvent {
  return StepEvent.parse({
    tenant: "acme",
    ...e,
    v: WIRE_VERSION,
    at: new Date(T0 + ms).toISOString(),
    source: "test/1",
  });
}

// What an agent publishes; everything else comes from the coordinator.
const AGENT_EVENTS = new Set([
  "subtask.started",
  "subtask.replayed",
  "subtask.finished",
  "model.call",
  "tool.call",
  "checkpoint",
  "limit.hit",
  "proposal.created",
  "context.summarized",
]);

/**
 * The events as read from the stream, each with the service whose subject it was published on: the executor for
 * its runs, the agent an agent's event names, else the coordinator. `as` overrides it (an agent publishing what is
 * not its to say).
 */
export function published(events: readonly unknown[], as?: string): PublishedEvent[] {
  return events.map((event) => {
    const e = (event ?? {}) as { type?: unknown; agent?: unknown };
    const byAgent = typeof e.type === "string" && AGENT_EVENTS.has(e.type) && typeof e.agent === "string";
    const own = e.type === "action.finished" ? "executor" : byAgent ? `agent-${String(e.agent)}` : "coordinator";
    return { publisher: as ?? own, event };
  });
}

/** A Usage with defaults. */
export function usage(u: Partial<Usage>): Usage {
  return { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0, ...u };
}

const researcher = { goalId: "g1", subtaskId: "research", agent: "researcher" } as const;
const writer = { goalId: "g1", subtaskId: "write", agent: "writer" } as const;

/** Goal g1 of alice@acme: `research` (researcher) ok after a summary, then `write` (writer) hits its cost limit. */
export function llmGoalEvents(): unknown[] {
  return [
    ev(0, { type: "goal.accepted", goalId: "g1", tenant: "acme", user: "alice", plan: "research-write" }),
    ev(1, {
      type: "plan.created",
      goalId: "g1",
      plan: {
        subtasks: [
          { id: "research", agent: "researcher", input: {}, dependsOn: [] },
          { id: "write", agent: "writer", input: {}, dependsOn: ["research"] },
        ],
      },
    }),
    ev(2, { ...researcher, type: "subtask.dispatched", attempt: 1 }),
    ev(10, { ...researcher, type: "subtask.started", attempt: 1, instance: "researcher-a" }),
    ev(500, {
      ...researcher,
      type: "model.call",
      step: 1,
      purpose: "step",
      model: "anthropic:claude-test",
      text: "I will search first.\nThen answer.",
      toolCalls: ["search"],
      inputTokens: 100,
      outputTokens: 20,
      costUsd: 0.001,
      ms: 480,
    }),
    ev(520, {
      ...researcher,
      type: "tool.call",
      step: 1,
      tool: "search",
      kind: "read",
      args: '{"q":"budgets"}',
      outcome: "ok",
      result: "3 hits",
      ms: 15,
    }),
    ev(900, {
      ...researcher,
      type: "model.call",
      step: 2,
      purpose: "summary",
      model: "anthropic:claude-test",
      text: "",
      toolCalls: [],
      inputTokens: 50,
      outputTokens: 10,
      costUsd: 0.0005,
      ms: 370,
    }),
    ev(901, { ...researcher, type: "context.summarized", step: 2, messagesBefore: 6, messagesAfter: 2 }),
    { ...ev(950, { ...researcher, type: "limit.hit", limit: "limit_steps", usage: usage({}) }), type: "agent.mood" },
    ev(1200, {
      ...researcher,
      type: "model.call",
      step: 3,
      purpose: "step",
      model: "anthropic:claude-test",
      text: "",
      toolCalls: ["final_answer"],
      inputTokens: 80,
      outputTokens: 40,
      costUsd: 0.0012,
      ms: 290,
    }),
    ev(1201, {
      ...researcher,
      type: "checkpoint",
      step: 3,
      assessment: { established: ["a", "b"], assumed: ["c"], unknown: [] },
      critical: [],
    }),
    ev(1210, {
      ...researcher,
      type: "subtask.finished",
      status: "ok",
      usage: usage({ steps: 3, inputTokens: 230, outputTokens: 70, costUsd: 0.0027, ms: 1200 }),
    }),
    ev(1220, { ...writer, type: "subtask.dispatched", attempt: 1 }),
    ev(1230, { ...writer, type: "subtask.started", attempt: 1, instance: "writer-b" }),
    ev(1800, {
      ...writer,
      type: "model.call",
      step: 1,
      purpose: "step",
      model: "openai:gpt-test",
      text: "Issuing the refund.",
      toolCalls: ["refund"],
      inputTokens: 300,
      outputTokens: 60,
      costUsd: 0.004,
      ms: 560,
    }),
    ev(1810, {
      ...writer,
      type: "tool.call",
      step: 1,
      tool: "refund",
      kind: "write",
      args: '{"order":42}',
      outcome: "proposed",
      result: "proposal 0123456789abcdef0123456789abcdef",
      ms: 4,
    }),
    ev(1811, {
      ...writer,
      type: "proposal.created",
      proposal: {
        id: "0123456789abcdef0123456789abcdef",
        ...writer,
        tool: "refund",
        args: { order: 42 },
        argsHash: "a".repeat(64),
        effectKey: "agent.writer.effect.g1.write.refund.aaa",
        reason: "customer asked",
        kind: "write",
        status: "pending",
      },
    }),
    ev(1820, {
      ...writer,
      type: "limit.hit",
      limit: "limit_cost",
      usage: usage({ steps: 1, inputTokens: 300, outputTokens: 60, costUsd: 0.004, ms: 590 }),
    }),
    ev(1830, {
      ...writer,
      type: "subtask.finished",
      status: "limit_cost",
      usage: usage({ steps: 1, inputTokens: 300, outputTokens: 60, costUsd: 0.004, ms: 600 }),
    }),
    { v: 1, at: new Date(T0 + 1840).toISOString(), source: "future/1", goalId: "g1", type: "goal.audited" },
    ev(1850, {
      type: "goal.finished",
      goalId: "g1",
      status: "limit_cost",
      usage: usage({ steps: 4, inputTokens: 530, outputTokens: 130, costUsd: 0.0067, ms: 1850 }),
    }),
  ];
}

const refunds = { goalId: "g5", subtaskId: "refund", agent: "refunds" } as const;
const PROPOSAL_ID = "fedcba9876543210fedcba9876543210";

/**
 * Goal g5 (LLM plan): the planner's model call comes before `goal.accepted`; `refund` proposes a destructive refund,
 * the goal pauses, rita approves it, the executor runs it, and the goal resumes and ends ok. The agent's last word
 * on `refund` is `needs_approval`: only the goal's result says it settled `ok`.
 */
export function approvedGoalEvents(): unknown[] {
  return [
    ev(0, {
      type: "model.call",
      goalId: "g5",
      subtaskId: "plan",
      agent: "planner",
      step: 1,
      purpose: "step",
      model: "scripted:planner",
      text: "",
      toolCalls: ["submit_plan"],
      inputTokens: 400,
      outputTokens: 100,
      costUsd: 0.002,
      ms: 30,
    }),
    ev(40, { type: "goal.accepted", goalId: "g5", user: "dana", plan: "llm" }),
    ev(41, {
      type: "plan.created",
      goalId: "g5",
      plan: { subtasks: [{ id: "refund", agent: "refunds", input: {}, dependsOn: [] }] },
      usage: usage({ steps: 1, inputTokens: 400, outputTokens: 100, costUsd: 0.002, ms: 30 }),
    }),
    ev(42, { ...refunds, type: "subtask.dispatched", attempt: 1 }),
    ev(50, { ...refunds, type: "subtask.started", attempt: 1, instance: "refunds-a" }),
    ev(60, {
      ...refunds,
      type: "proposal.created",
      proposal: {
        id: PROPOSAL_ID,
        ...refunds,
        tool: "issue_refund",
        args: { orderId: "A-1001", amountUsd: 129 },
        argsHash: "b".repeat(64),
        effectKey: "agent.refunds.effect.g5.refund.issue_refund.bbb",
        reason: "above the automatic limit",
        kind: "destructive",
        status: "pending",
      },
    }),
    ev(70, { ...refunds, type: "subtask.finished", status: "needs_approval", usage: usage({ ms: 20 }) }),
    ev(80, {
      type: "goal.paused",
      goalId: "g5",
      status: "needs_approval",
      questions: [],
      pendingApprovals: [PROPOSAL_ID],
    }),
    ev(5_000, {
      ...refunds,
      type: "proposal.decided",
      proposalId: PROPOSAL_ID,
      tool: "issue_refund",
      status: "approved",
      decidedBy: "rita",
      reason: "defective product",
    }),
    ev(5_100, {
      ...refunds,
      type: "action.finished",
      proposalId: PROPOSAL_ID,
      tool: "issue_refund",
      status: "executed",
    }),
    ev(5_200, {
      type: "goal.resumed",
      goalId: "g5",
      subtaskIds: ["refund"],
      answeredBy: "rita",
      proposalId: PROPOSAL_ID,
    }),
    ev(5_201, {
      type: "goal.finished",
      goalId: "g5",
      status: "ok",
      usage: usage({ steps: 1, inputTokens: 400, outputTokens: 100, costUsd: 0.002, ms: 5_200 }),
    }),
  ];
}

/** The final GoalResult of g5: `refund` settled ok once its action ran. */
export function approvedGoalResult(): unknown {
  return {
    v: WIRE_VERSION,
    goalId: "g5",
    status: "ok",
    subtasks: [
      {
        v: WIRE_VERSION,
        ...refunds,
        idempotencyKey: "g5/refund",
        instance: "refunds-a",
        attempt: 1,
        status: "ok",
        output: {},
        usage: usage({ ms: 20 }),
        startedAt: new Date(T0 + 50).toISOString(),
        finishedAt: new Date(T0 + 70).toISOString(),
      },
    ],
    usage: usage({ ms: 5_200 }),
    traceId: "0af7651916cd43dd8448eb211c80319c",
    acceptedAt: new Date(T0).toISOString(),
    finishedAt: new Date(T0 + 5_200).toISOString(),
  };
}
