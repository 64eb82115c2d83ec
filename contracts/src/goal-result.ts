import { z } from "zod";
import { Usage } from "./budget.ts";
import { GoalId, SubtaskId, Timestamp, TraceId } from "./ids.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { SubtaskResult } from "./subtask-result.ts";
import { WireVersion } from "./version.ts";

/** Why a goal failed, and which subtask it failed in (if any). */
export const GoalFailure = Failure.extend({
  subtaskId: SubtaskId.optional(),
});
export type GoalFailure = z.infer<typeof GoalFailure>;

/** The outcome of a goal: published on `<prefix>.goal.done.<goalId>` and stored in KV `<prefix>_goals`. */
export const GoalResult = z.object({
  v: WireVersion,
  goalId: GoalId,
  status: RunStatus,
  output: z.unknown().optional(),
  subtasks: z.array(SubtaskResult),
  usage: Usage,
  traceId: TraceId,
  pendingApprovals: z.array(z.string()).default([]),
  failure: GoalFailure.optional(),
  acceptedAt: Timestamp.optional(),
  finishedAt: Timestamp,
});
export type GoalResult = z.infer<typeof GoalResult>;
