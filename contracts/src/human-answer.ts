import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { GoalId, PersonId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** A person's answer to a paused subtask's open questions. */
export const HumanAnswer = z
  .object({
    text: z.string().min(1).max(20_000).describe("The answer, in plain words."),
    answeredBy: z.string().min(1).max(128).describe("The person who answered, as the bus vouches for it."),
    at: Timestamp,
  })
  .register(wireDocs, { description: "A person's answer to a paused subtask's open questions." });
export type HumanAnswer = z.infer<typeof HumanAnswer>;

/**
 * What `switchyard answer` (or any client) publishes on `<prefix>.goals.answer.<person>` to resume a goal paused on
 * `needs_input`. Without `subtaskId` it answers every subtask of the goal that waits for input. The person is the
 * subject's token, which the server pins to that person's identity.
 */
export const GoalAnswer = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    subtaskId: SubtaskId.optional().describe("The subtask answered; unset: every subtask of the goal that waits."),
    text: HumanAnswer.shape.text,
    answeredBy: PersonId.optional().describe("If given, must equal the `<person>` token of the subject."),
    at: Timestamp,
  })
  .register(wireDocs, {
    description:
      "A person's answer to a goal paused on `needs_input`, published on `<prefix>.goals.answer.<person>` (stream " +
      "`SY_GOALS`). Without `subtaskId` it answers every subtask of the goal that waits for input.",
  });
export type GoalAnswer = z.infer<typeof GoalAnswer>;
