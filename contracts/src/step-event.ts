import { ReviewDecision } from "./output-review.ts";
import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { ActionProposal } from "./action-proposal.ts";
import { ToolKind } from "./agent-card.ts";
import { Usage } from "./budget.ts";
import { AgentName, GoalId, ProposalId, SubtaskId, TenantId, Timestamp } from "./ids.ts";
import { Plan } from "./plan.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { Assessment } from "./subtask-result.ts";
import { WireVersion } from "./version.ts";

const base = {
  v: WireVersion,
  at: Timestamp,
  source: z.string().min(1).describe("The process that emitted the event: `<service>/<instance>`."),
};
const goalBase = { ...base, goalId: GoalId, tenant: TenantId };
const subtaskBase = { ...goalBase, subtaskId: SubtaskId, agent: AgentName };

/** One field-level problem of a rejected message. */
export const ValidationIssue = z
  .object({
    path: z.string().describe("The field, as a dotted path (`budget.maxSteps`); `(root)` for the whole message."),
    message: z.string().describe("The rule it broke."),
  })
  .register(wireDocs, { description: "One field-level problem of a rejected message." });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/**
 * Everything that happens to a goal, published on `<prefix>.events.<tenant>.<goalId>.<source>` (the `SY_EVENTS`
 * stream; the source token is pinned to the publishing service's identity), and rejected messages on
 * `<prefix>.events._rejected.<source>`.
 * A discriminated union on `type`; consumers must ignore types they do not know.
 */
export const StepEvent = z
  .discriminatedUnion("type", [
    z.object({ ...goalBase, type: z.literal("goal.accepted"), user: z.string(), plan: z.string() }).register(wireDocs, {
      description: "The coordinator accepted the goal: who submitted it (`user`) and which plan it runs (`plan`).",
    }),
    z
      .object({
        ...goalBase,
        type: z.literal("goal.duplicate"),
        idempotencyKey: z.string(),
        originalGoalId: GoalId,
      })
      .register(wireDocs, {
        description:
          "A goal with an idempotency key already used by another goal of the tenant: not run again; `originalGoalId` is the goal that key belongs to.",
      }),
    z
      .object({
        ...goalBase,
        type: z.literal("plan.created"),
        plan: Plan,
        usage: Usage.optional().describe("What the LLM planner consumed making the plan (absent for a template plan)."),
      })
      .register(wireDocs, { description: "The goal's plan, from a template or the LLM planner." }),
    z
      .object({ ...subtaskBase, type: z.literal("subtask.dispatched"), attempt: z.int().positive() })
      .register(wireDocs, { description: "The coordinator sent the subtask to its agent (`<prefix>.tasks.<agent>`)." }),
    z
      .object({ ...subtaskBase, type: z.literal("subtask.started"), attempt: z.int().positive(), instance: z.string() })
      .register(wireDocs, { description: "An agent replica (`instance`) started the subtask." }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("subtask.replayed"),
        instance: z.string(),
        reason: z.string().describe("Why the recorded result was replayed instead of running again."),
      })
      .register(wireDocs, {
        description: "An agent replayed the recorded result of a redelivered subtask instead of running it again.",
      }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("subtask.finished"),
        attempt: z
          .int()
          .positive()
          .optional()
          .describe("Which run of the subtask this was: every attempt's usage is spent, so each counts in costs."),
        status: RunStatus,
        usage: Usage,
        failure: Failure.optional(),
      })
      .register(wireDocs, { description: "A subtask ended, however it ended: its status, usage and failure." }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("model.call"),
        cached: z
          .boolean()
          .optional()
          .describe("Served from the agent's response cache: no model call, no tokens, no cost."),
        replayed: z
          .boolean()
          .optional()
          .describe(
            "Taken from the run's journal (a run resumed after an approval, an answer or a crash): no model call; its " +
              "tokens and cost count only if no earlier result reported them.",
          ),
        step: z.int().nonnegative(),
        purpose: z.enum(["step", "summary"]),
        model: z.string(),
        text: z.string().describe("What the model said besides its tool calls (its reasoning, when it gives any)."),
        toolCalls: z.array(z.string()).describe("Names of the tools it called."),
        inputTokens: z.int().nonnegative(),
        outputTokens: z.int().nonnegative(),
        costUsd: z.number().nonnegative(),
        ms: z.int().nonnegative(),
        error: z.string().optional(),
      })
      .register(wireDocs, {
        description:
          "One model call of an `llm` agent's run (or of the planner): tokens, cost, time and the tools it called.",
      }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("tool.call"),
        step: z.int().nonnegative(),
        tool: z.string(),
        kind: ToolKind.optional().describe("Absent for a tool that does not exist."),
        args: z.string().describe("The call's arguments as JSON, truncated."),
        outcome: z.enum(["ok", "error", "invalid", "replayed", "denied", "proposed"]),
        result: z.string().describe("A summary of what went back to the model, truncated."),
        ms: z.int().nonnegative(),
      })
      .register(wireDocs, { description: "One tool call of an `llm` agent's run and its outcome." }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("context.summarized"),
        step: z.int().nonnegative(),
        messagesBefore: z.int().nonnegative(),
        messagesAfter: z.int().nonnegative(),
      })
      .register(wireDocs, {
        description: "An `llm` agent's run summarised its conversation to stay within its context.",
      }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("checkpoint"),
        step: z.int().nonnegative(),
        assessment: Assessment,
        critical: z.array(z.string()),
      })
      .register(wireDocs, {
        description:
          "What an `llm` agent established, assumed and did not know when it answered; `critical` gaps pause the goal for a person.",
      }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("limit.hit"),
        limit: z.enum(["limit_steps", "limit_tokens", "limit_time", "limit_cost"]),
        usage: Usage,
      })
      .register(wireDocs, { description: "A subtask hit a budget limit and stopped." }),
    z.object({ ...subtaskBase, type: z.literal("proposal.created"), proposal: ActionProposal }).register(wireDocs, {
      description: "An agent proposed a write or destructive call for approval instead of running it.",
    }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("proposal.decided"),
        proposalId: ProposalId,
        tool: z.string(),
        status: z.enum(["approved", "rejected", "expired", "pending"]),
        decidedBy: z.string().describe("The authenticated person, `policy`, or `policy:expiry`."),
        reason: z.string(),
      })
      .register(wireDocs, {
        description: "A proposal was approved, rejected or expired (by a person or a policy rule).",
      }),
    z
      .object({
        ...subtaskBase,
        type: z.literal("action.finished"),
        proposalId: ProposalId,
        tool: z.string(),
        status: z.enum(["executed", "failed", "refused"]),
        error: z.string().optional(),
      })
      .register(wireDocs, { description: "The executor ran (or refused) an approved destructive action." }),
    z
      .object({
        ...goalBase,
        type: z.literal("output.reviewed"),
        subtaskId: SubtaskId,
        decision: ReviewDecision,
        reviewedBy: z.string().describe("The person who accepted, edited or rejected the held output."),
        reason: z.string().optional(),
      })
      .register(wireDocs, {
        description: "A person accepted, edited or rejected a subtask output the plan held for review.",
      }),
    z
      .object({
        ...goalBase,
        type: z.literal("goal.paused"),
        status: z.enum(["needs_input", "needs_approval", "needs_review"]),
        questions: z.array(z.string()).describe("Open questions of the subtasks that wait for input."),
        pendingApprovals: z.array(z.string()),
      })
      .register(wireDocs, {
        description:
          "The goal waits for a person: answers to `questions`, decisions on `pendingApprovals`, or a review.",
      }),
    z
      .object({
        ...goalBase,
        type: z.literal("goal.resumed"),
        subtaskIds: z.array(SubtaskId),
        answeredBy: z
          .string()
          .describe("Who let it go on: the person who answered, or who approved the proposal (`policy` for a rule)."),
        proposalId: ProposalId.optional().describe(
          "The approved proposal that resumed it (absent when an answer did); its decision is a `proposal.decided` event.",
        ),
      })
      .register(wireDocs, {
        description: "A paused goal goes on: an answer, an approval or a review let its subtasks run again.",
      }),
    z
      .object({
        ...goalBase,
        type: z.literal("goal.cancelled"),
        requestedBy: z.string().describe("Who asked, as the bus vouches for it: `tenant:<t>` or `person:<p>`."),
        reason: z.string(),
      })
      .register(wireDocs, {
        description: "The goal was cancelled on request: running subtasks stop, pending ones never start.",
      }),
    z
      .object({
        ...goalBase,
        type: z.literal("goal.finished"),
        status: RunStatus,
        usage: Usage,
        failure: Failure.optional(),
      })
      .register(wireDocs, {
        description: "The goal ended: its status, usage and failure (the full result is on the goal's done subject).",
      }),
    z
      .object({
        ...base,
        type: z.literal("message.rejected"),
        goalId: GoalId.optional().describe("Present when the id could be read from the bad message."),
        subject: z.string().describe("Where the message was published."),
        sender: z
          .string()
          .optional()
          .describe("Who sent it, as far as the bus vouches for it: the identity token of its subject."),
        reason: z.string().describe("Why it was rejected, naming the field and the rule."),
        issues: z.array(ValidationIssue),
        suppressed: z
          .int()
          .nonnegative()
          .optional()
          .describe("Rejections from the same sender left out before this one (reports are rate-limited per sender)."),
      })
      .register(wireDocs, {
        description:
          "A message was rejected (bad JSON, a schema violation, an unauthorized sender); published on `<prefix>.events._rejected.<source>`.",
      }),
  ])
  .register(wireDocs, {
    description:
      "Everything that happens to a goal, published on `<prefix>.events.<tenant>.<goalId>.<source>` (stream " +
      "`SY_EVENTS`; the source token is pinned to the publishing service's identity), and rejected messages on " +
      "`<prefix>.events._rejected.<source>`. A union on `type`: consumers must ignore types they do not know.",
  });
export type StepEvent = z.infer<typeof StepEvent>;
/** The `type` values of StepEvent. */
export type StepEventType = StepEvent["type"];
