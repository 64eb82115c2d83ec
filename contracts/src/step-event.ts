import { z } from "zod";
import { Usage } from "./budget.ts";
import { AgentName, GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { Plan } from "./plan.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { WireVersion } from "./version.ts";

const base = {
  v: WireVersion,
  at: Timestamp,
  source: z.string().min(1).describe("The process that emitted the event: `<service>/<instance>`."),
};
const goalBase = { ...base, goalId: GoalId };
const subtaskBase = { ...goalBase, subtaskId: SubtaskId, agent: AgentName };

/** One field-level problem of a rejected message. */
export const ValidationIssue = z.object({ path: z.string(), message: z.string() });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/**
 * Everything that happens to a goal, published on `<prefix>.events.<goalId>` (the `SY_EVENTS` stream).
 * A discriminated union on `type`; consumers must ignore types they do not know.
 */
export const StepEvent = z.discriminatedUnion("type", [
  z.object({ ...goalBase, type: z.literal("goal.accepted"), tenant: z.string(), user: z.string(), plan: z.string() }),
  z.object({
    ...goalBase,
    type: z.literal("goal.duplicate"),
    idempotencyKey: z.string(),
    originalGoalId: GoalId,
  }),
  z.object({ ...goalBase, type: z.literal("plan.created"), plan: Plan }),
  z.object({ ...subtaskBase, type: z.literal("subtask.dispatched"), attempt: z.int().positive() }),
  z.object({ ...subtaskBase, type: z.literal("subtask.started"), attempt: z.int().positive(), instance: z.string() }),
  z.object({
    ...subtaskBase,
    type: z.literal("subtask.replayed"),
    instance: z.string(),
    reason: z.string().describe("Why the recorded result was replayed instead of running again."),
  }),
  z.object({
    ...subtaskBase,
    type: z.literal("subtask.finished"),
    status: RunStatus,
    usage: Usage,
    failure: Failure.optional(),
  }),
  z.object({
    ...goalBase,
    type: z.literal("goal.finished"),
    status: RunStatus,
    usage: Usage,
    failure: Failure.optional(),
  }),
  z.object({
    ...base,
    type: z.literal("message.rejected"),
    goalId: GoalId.optional().describe("Present when the id could be read from the bad message."),
    subject: z.string(),
    reason: z.string(),
    issues: z.array(ValidationIssue),
  }),
]);
export type StepEvent = z.infer<typeof StepEvent>;
/** The `type` values of StepEvent. */
export type StepEventType = StepEvent["type"];
