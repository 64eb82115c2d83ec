import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { Usage } from "./budget.ts";
import { GoalId, SubtaskId, Timestamp, TraceId } from "./ids.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { SubtaskResult } from "./subtask-result.ts";
import { WireVersion } from "./version.ts";

/** Why a goal failed, and which subtask it failed in (if any). */
export const GoalFailure = Failure.extend({
  subtaskId: SubtaskId.optional().describe("The subtask the goal failed in, if any."),
}).register(wireDocs, { description: "Why a goal failed, and which subtask it failed in (if any)." });
export type GoalFailure = z.infer<typeof GoalFailure>;

/** The outcome of a goal: published on `<prefix>.goal.done.<goalId>` and stored in KV `<prefix>_goals`. */
export const GoalResult = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    status: RunStatus,
    output: z.unknown().optional().describe("The output of the plan's output subtask, when the goal ended `ok`."),
    subtasks: z.array(SubtaskResult).describe("The result of every finished subtask, in plan order."),
    usage: Usage.describe(
      "What the goal consumed: every attempt of its subtasks and the planner; `ms` since it was accepted.",
    ),
    traceId: TraceId.describe("The goal's trace: `switchyard trace <goalId>`, or your tracing backend."),
    pendingApprovals: z
      .array(z.string())
      .default([])
      .describe("Ids of the proposals a person must decide before the goal goes on (`needs_approval`)."),
    failure: GoalFailure.optional(),
    acceptedAt: Timestamp.optional(),
    finishedAt: Timestamp.describe("When the goal ended, or paused (an interim result)."),
  })
  .register(wireDocs, {
    description:
      "The outcome of a goal, published on `<prefix>.goal.done.<tenant>.<goalId>`: final when the goal ends, interim " +
      "(status `needs_*`) each time it pauses for a person. Also kept in the goal's record.",
  });
export type GoalResult = z.infer<typeof GoalResult>;
