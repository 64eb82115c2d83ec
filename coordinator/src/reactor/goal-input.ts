import type { ActionProposal, GoalAnswer, OutputReview, SubtaskResult } from "@switchyard/contracts";

/**
 * Everything that can happen to a goal, as the reactor's one decision takes it. Each message kind has an adapter that
 * checks who sent it and turns it into one of these; the decision never sees the bus. Inputs may come in any order
 * and any number of times: a repeated or late one changes nothing.
 */
export type GoalInput =
  /** The record was just created (accepted and planned, or refused): dispatch what is ready. */
  | { type: "submitted" }
  /** A subtask's result, vetted (its sender is the agent it was dispatched to; fallback handler applied). */
  | { type: "result"; result: SubtaskResult }
  /** A person's answer to a goal paused on `needs_input`. */
  | { type: "answer"; answer: GoalAnswer; answeredBy: string }
  /** A person's review of an output the plan held for one. */
  | { type: "review"; review: OutputReview; reviewedBy: string }
  /** A proposal reached its final state (decided, executed or failed) in the approval authority's record. */
  | { type: "proposal"; proposal: ActionProposal; note: string }
  /** The goal's deadline timer fired. */
  | { type: "deadline" }
  /** A cancellation (a request, or one recorded in KV that this replica had missed). */
  | { type: "cancel"; reason: string }
  /** Nothing new (a retry's backoff ended, a redelivery): move on from what the record says. */
  | { type: "wake" };
