import { z } from "zod";
import { GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** A person's answer to a paused subtask's open questions. */
export const HumanAnswer = z.object({
  text: z.string().min(1).max(20_000),
  answeredBy: z.string().min(1).max(128),
  at: Timestamp,
});
export type HumanAnswer = z.infer<typeof HumanAnswer>;

/**
 * What `switchyard answer` (or any client) publishes on `<prefix>.goals.answer` to resume a goal paused on
 * `needs_input`. Without `subtaskId` it answers every subtask of the goal that waits for input.
 */
export const GoalAnswer = z.object({
  v: WireVersion,
  goalId: GoalId,
  subtaskId: SubtaskId.optional(),
  ...HumanAnswer.shape,
});
export type GoalAnswer = z.infer<typeof GoalAnswer>;
