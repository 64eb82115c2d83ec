import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Usage } from "./budget.ts";
import { Goal } from "./goal.ts";
import { AgentName, GoalId, SubtaskId, Timestamp, TraceId } from "./ids.ts";
import { GoalResult } from "./goal-result.ts";
import { HumanAnswer } from "./human-answer.ts";
import { Plan } from "./plan.ts";
import { SubtaskResult } from "./subtask-result.ts";
import { WireVersion } from "./version.ts";

/** Where one subtask of a running goal stands. */
export const SubtaskState = z
  .discriminatedUnion("type", [
    z.object({
      type: z.literal("pending"),
      attempt: z.int().positive().optional().describe("Set when the subtask is sent again (answer, retry, fallback)."),
      notBefore: Timestamp.optional().describe("A retry waits for its backoff: not dispatched before this time."),
      agent: AgentName.optional().describe("A fallback agent that runs it instead of the planned one."),
      timerScheduled: z.boolean().optional().describe("The timer that ends its backoff is in the goals stream."),
    }),
    z.object({
      type: z.literal("dispatched"),
      attempt: z.int().positive(),
      agent: AgentName.optional(),
      dispatchedAt: Timestamp,
      published: z.boolean().describe("False between claiming the dispatch and the stream storing the envelope."),
    }),
    z.object({ type: z.literal("finished"), result: SubtaskResult }),
    z.object({ type: z.literal("skipped"), reason: z.string() }),
  ])
  .register(wireDocs, {
    description: "Where one subtask of a running goal stands: pending, dispatched, finished or skipped.",
  });
export type SubtaskState = z.infer<typeof SubtaskState>;

/**
 * Where a goal stands. `paused`: a subtask waits for a person (input or an approval) and nothing else can run; its
 * interim GoalResult says why. `finished` holds the final GoalResult. `announced` says its done event went out.
 */
export const GoalPhase = z
  .discriminatedUnion("type", [
    z.object({ type: z.literal("running") }),
    z.object({ type: z.literal("paused"), result: GoalResult, announced: z.boolean() }),
    z.object({ type: z.literal("finished"), result: GoalResult, announced: z.boolean() }),
  ])
  .register(wireDocs, {
    description:
      "Where a goal stands: running, paused for a person (with its interim result) or finished (with its final " +
      "result); `announced` says its done message went out.",
  });
export type GoalPhase = z.infer<typeof GoalPhase>;

/**
 * The state of one goal, stored in KV `<prefix>_goals` under `goal.<goalId>`. Every change is a compare-and-set
 * write on the entry's revision, so two coordinator replicas never both advance a goal.
 */
export const GoalRecord = z
  .object({
    v: WireVersion,
    goal: Goal,
    traceId: TraceId,
    traceparent: z
      .string()
      .optional()
      .describe("W3C traceparent of the goal's root span: later spans of the goal hang under it."),
    acceptedAt: Timestamp,
    plan: Plan.optional().describe("Absent when the goal was refused before it was planned."),
    plannerUsage: Usage.optional().describe("What the LLM planner consumed; counted in the goal's usage."),
    subtasks: z.record(SubtaskId, SubtaskState),
    answers: z
      .record(SubtaskId, z.array(HumanAnswer))
      .optional()
      .describe("A person's answers to paused subtasks, sent along when they run again."),
    approvedEffects: z
      .record(SubtaskId, z.array(z.string()))
      .optional()
      .describe("Write calls a person approved, by subtask: sent along when the subtask runs again."),
    pausesSoFar: z.int().nonnegative().optional().describe("How many times the goal has paused."),
    spentOnFailedAttempts: z
      .array(Usage.omit({ ms: true }))
      .optional()
      .describe(
        "Usage of attempts that were run again — failed and retried, handed to a fallback, or paused and resumed " +
          "after an answer or an approval: still counts against the budget.",
      ),
    deadlineScheduled: z.boolean().optional().describe("The deadline timer of the goal is in the goals stream."),
    phase: GoalPhase,
  })
  .register(wireDocs, {
    description:
      "The state of one goal, in KV `<prefix>_goals` under `goal.<goalId>` (written by the coordinator only, each " +
      "change a compare-and-set write).",
  });
export type GoalRecord = z.infer<typeof GoalRecord>;

/** KV `<prefix>_goals` entry `idem.<sha256 of the idempotency key>`: which goal a key belongs to. */
export const IdempotencyRecord = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    claimedAt: Timestamp,
  })
  .register(wireDocs, {
    description: "KV `<prefix>_goals` entry `idem.<hash>`: which goal an idempotency key of a tenant belongs to.",
  });
export type IdempotencyRecord = z.infer<typeof IdempotencyRecord>;
