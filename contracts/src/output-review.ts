import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { GoalId, PersonId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** What a person does with an output held for review. */
export const ReviewDecision = z.enum(["accept", "edit", "reject"]).register(wireDocs, {
  description: "What a person does with an output held for review: go on with it, with a corrected one, or reject it.",
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/**
 * A person's review of a subtask output the plan held (`review` on the planned subtask), published on
 * `<prefix>.goals.review.<person>`; the person is the subject's token, pinned by the server to their identity.
 * `accept` lets the goal go on with the output, `edit` with `output` instead, `reject` ends the subtask `failed`
 * (`policy_denied`) with `reason`.
 */
export const OutputReview = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    subtaskId: SubtaskId,
    decision: ReviewDecision,
    output: z.unknown().optional().describe("The corrected output (`edit` only)."),
    reason: z.string().max(2_000).optional().describe("Why (required to reject)."),
    reviewedBy: PersonId.optional().describe("If given, must equal the `<person>` token of the subject."),
    at: Timestamp,
  })
  .superRefine((r, ctx) => {
    if (r.decision === "edit" && r.output === undefined)
      ctx.addIssue({ code: "custom", path: ["output"], message: "an edit carries the corrected output" });
    if (r.decision === "reject" && (r.reason ?? "").trim() === "")
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a rejection says why" });
  })
  .register(wireDocs, {
    description:
      "A person's review of a subtask output the plan held, published on `<prefix>.goals.review.<person>` (stream " +
      "`SY_GOALS`): `accept` goes on with the output, `edit` with `output` instead, `reject` fails the subtask " +
      "(`reason` required).",
  });
export type OutputReview = z.infer<typeof OutputReview>;

/** Who reviewed a held output, and how: kept on the subtask's result once a person decided. */
export const ReviewMark = z
  .object({
    decision: ReviewDecision,
    by: PersonId,
    at: Timestamp,
    reason: z.string().optional(),
  })
  .register(wireDocs, { description: "Who reviewed a held output, and how." });
export type ReviewMark = z.infer<typeof ReviewMark>;
