import type { z } from "zod";
import type { ActionProposal } from "./action-proposal.ts";
import type { GoalResult } from "./goal-result.ts";
import type { SubtaskResult } from "./subtask-result.ts";
import type { WIRE_SCHEMAS } from "./wire-schemas.ts";

// Whole example messages of the main wire types, one story: tenant acme's backend submits a goal on the `demo` plan
// (keywords, then a report on them), and a support goal whose refund waits for a person. The JSON Schema export puts
// them in each schema's `examples`; a test checks each against its zod schema and its JSON Schema.

type Schemas = typeof WIRE_SCHEMAS;
/** Example messages by wire schema name, typed as what a publisher may send. */
export type WireExamples = { readonly [K in keyof Schemas]?: readonly z.input<Schemas[K]>[] };

const goalId = "order-42-summary";
const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const keywordsUsage = { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 4 };
const reportUsage = { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 3 };
const keywords = {
  words: 9,
  keywords: [
    { term: "backlog", count: 2 },
    { term: "tickets", count: 1 },
  ],
};
const report = {
  headline: "Summarise the backlog.",
  summary: "The text is about backlog, tickets.",
  topics: ["backlog", "tickets"],
};

const keywordsResult: z.input<typeof SubtaskResult> = {
  v: 1,
  goalId,
  subtaskId: "keywords",
  idempotencyKey: `${goalId}/keywords`,
  agent: "keywords",
  instance: "keywords-1",
  attempt: 1,
  status: "ok",
  output: keywords,
  usage: keywordsUsage,
  startedAt: "2026-01-31T12:00:00.120Z",
  finishedAt: "2026-01-31T12:00:00.124Z",
};

const goalResult: z.input<typeof GoalResult> = {
  v: 1,
  goalId,
  status: "ok",
  output: report,
  subtasks: [
    keywordsResult,
    {
      ...keywordsResult,
      subtaskId: "report",
      idempotencyKey: `${goalId}/report`,
      agent: "report",
      instance: "report-1",
      output: report,
      usage: reportUsage,
      startedAt: "2026-01-31T12:00:00.140Z",
      finishedAt: "2026-01-31T12:00:00.143Z",
    },
  ],
  usage: { steps: 2, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 151 },
  traceId,
  pendingApprovals: [],
  acceptedAt: "2026-01-31T12:00:00.000Z",
  finishedAt: "2026-01-31T12:00:00.151Z",
};

const cancelledResult: z.input<typeof GoalResult> = {
  v: 1,
  goalId,
  status: "cancelled",
  subtasks: [keywordsResult],
  usage: { steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 130 },
  traceId,
  acceptedAt: "2026-01-31T12:00:00.000Z",
  finishedAt: "2026-01-31T12:00:00.130Z",
};

const refundArgs = { orderId: "A-1001", amountUsd: 80 };
const refundProposal: z.input<typeof ActionProposal> = {
  id: "9c1e4f7a2b3d4c5e6f708192a3b4c5d6",
  goalId: "ticket-7",
  subtaskId: "refund",
  agent: "refunds",
  tool: "issue_refund",
  args: refundArgs,
  argsHash: "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
  effectKey:
    "agent.refunds.effect.ticket-7.refund.issue_refund.5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
  reason: "The parcel never arrived; the policy allows a full refund.",
  kind: "destructive",
  status: "pending",
};

/** The examples the JSON Schemas carry. */
export const WIRE_EXAMPLES: WireExamples = {
  Goal: [
    { v: 1, id: goalId, tenant: "acme", user: "ana", text: "Summarise the backlog: tickets, backlog.", plan: "demo" },
    {
      v: 1,
      id: "ticket-7",
      idempotencyKey: "zendesk-ticket-7",
      tenant: "acme",
      user: "ana",
      text: "My parcel never arrived, I want my money back.",
      input: { customerId: "C-17", orderId: "A-1001" },
      plan: "support",
      budget: { maxCostUsd: 0.5, maxMs: 120_000 },
      deadline: "2026-01-31T12:05:00.000Z",
      metadata: { channel: "email" },
    },
  ],
  GoalResult: [
    goalResult,
    {
      v: 1,
      goalId: "ticket-7",
      status: "needs_approval",
      subtasks: [],
      usage: { steps: 9, inputTokens: 8_029, outputTokens: 614, costUsd: 0.0312, ms: 3_138 },
      traceId: "0af7651916cd43dd8448eb211c80319c",
      pendingApprovals: [refundProposal.id],
      acceptedAt: "2026-01-31T12:00:00.000Z",
      finishedAt: "2026-01-31T12:00:03.138Z",
    },
  ],
  GoalReply: [
    { ok: true, data: goalResult },
    {
      ok: false,
      error: {
        code: "SY_ERR_GOAL_INVALID",
        message: 'goal.tenant "globex" is not the tenant "acme" of the subject it was sent on',
      },
    },
  ],
  SubtaskEnvelope: [
    {
      v: 1,
      goalId,
      subtaskId: "keywords",
      idempotencyKey: `${goalId}/keywords`,
      agent: "keywords",
      input: { text: "Summarise the backlog: tickets, backlog." },
      upstream: {},
      budget: { maxMs: 10_000 },
      deadline: "2026-01-31T12:05:00.000Z",
      attempt: 1,
      tenant: "acme",
      user: "ana",
    },
  ],
  SubtaskResult: [keywordsResult],
  StepEvent: [
    {
      v: 1,
      type: "goal.accepted",
      at: "2026-01-31T12:00:00.010Z",
      source: "coordinator/coordinator-1",
      goalId,
      tenant: "acme",
      user: "ana",
      plan: "demo",
    },
    {
      v: 1,
      type: "subtask.finished",
      at: "2026-01-31T12:00:00.125Z",
      source: "agent-keywords/keywords-1",
      goalId,
      tenant: "acme",
      subtaskId: "keywords",
      agent: "keywords",
      attempt: 1,
      status: "ok",
      usage: keywordsUsage,
    },
    {
      v: 1,
      type: "goal.finished",
      at: "2026-01-31T12:00:00.151Z",
      source: "coordinator/coordinator-1",
      goalId,
      tenant: "acme",
      status: "ok",
      usage: goalResult.usage,
    },
  ],
  ActionProposal: [refundProposal],
  ApprovalDecision: [
    {
      v: 1,
      proposalId: refundProposal.id,
      decision: "approved",
      reason: "Tracking shows it was lost.",
      at: "2026-01-31T12:10:00.000Z",
    },
  ],
  ApprovedAction: [
    {
      v: 1,
      proposal: { ...refundProposal, status: "approved", decidedBy: "rita", decidedAt: "2026-01-31T12:10:00.000Z" },
      tenant: "acme",
      approvedBy: "rita",
      approvedAt: "2026-01-31T12:10:00.000Z",
    },
  ],
  ActionOutcome: [
    {
      v: 1,
      proposalId: refundProposal.id,
      goalId: "ticket-7",
      subtaskId: "refund",
      status: "executed",
      result: { refundId: "R-5521" },
      executor: "executor-1",
      at: "2026-01-31T12:10:01.000Z",
    },
  ],
  GoalAnswer: [{ v: 1, goalId: "ticket-7", text: "The order number is A-1001.", at: "2026-01-31T12:02:00.000Z" }],
  OutputReview: [
    {
      v: 1,
      goalId: "ticket-7",
      subtaskId: "reply",
      decision: "edit",
      output: { reply: "We are sorry: your refund of 80 USD is on its way." },
      reason: "Friendlier tone.",
      at: "2026-01-31T12:12:00.000Z",
    },
  ],
  CancelRequest: [
    { v: 1, goalId: "ticket-7", reason: "The customer withdrew the request.", requestedAt: "2026-01-31T12:03:00.000Z" },
  ],
  CancelReply: [
    { ok: true, data: cancelledResult, alreadyEnded: false },
    { ok: false, error: { code: "SY_ERR_GOAL_UNKNOWN", message: 'no goal "ticket-8"' } },
  ],
  GoalTimer: [{ v: 1, goalId: "ticket-7", kind: "deadline", at: "2026-01-31T12:05:00.000Z" }],
  AgentCard: [
    {
      name: "keywords",
      version: "1.0.0",
      description: "Finds the most frequent meaningful terms of a text. Deterministic, no model, no tools.",
      kind: "handler",
      input: {
        type: "object",
        properties: { text: { type: "string", minLength: 1 }, top: { type: "integer", default: 5 } },
        required: ["text"],
      },
      output: { type: "object", properties: { words: { type: "integer" }, keywords: { type: "array" } } },
      tools: [],
      defaultBudget: { maxMs: 10_000 },
    },
  ],
  Plan: [
    {
      subtasks: [
        { id: "keywords", agent: "keywords", input: { text: "$goal.text" } },
        {
          id: "report",
          agent: "report",
          input: { text: "$goal.text", keywords: "$upstream.keywords.keywords" },
          dependsOn: ["keywords"],
        },
      ],
      output: "report",
    },
  ],
  Budget: [{ maxSteps: 20, maxTokens: 50_000, maxMs: 120_000, maxCostUsd: 0.5 }],
  Usage: [keywordsUsage],
  Failure: [{ kind: "tool_error", message: "orders API answered 503 three times" }],
  RunStatus: ["ok", "needs_approval"],
};
