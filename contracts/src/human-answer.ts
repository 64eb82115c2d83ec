import { z } from "zod";
import { GoalId, PersonId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** A person's answer to a paused subtask's open questions. */
export const HumanAnswer = z.object({
  text: z.string().min(1).max(20_000),
  answeredBy: z.string().min(1).max(128),
  at: Timestamp,
});
export type HumanAnswer = z.infer<typeof HumanAnswer>;

/**
 * What `switchyard answer` (or any client) publishes on `<prefix>.goals.answer.<person>` to resume a goal paused on
 * `needs_input`. Without `subtaskId` it answers every subtask of the goal that waits for input. The person is the
 * subject's token, which the server pins to that person's identity.
 */
export const GoalAnswer = z.object({
  v: WireVersion,
  goalId: GoalId,
  subtaskId: SubtaskId.optional(),
  text: HumanAnswer.shape.text,
  answeredBy: PersonId.optional().describe("If given, must equal the `<person>` token of the subject."),
  at: Timestamp,
});
export type GoalAnswer = z.infer<typeof GoalAnswer>;
