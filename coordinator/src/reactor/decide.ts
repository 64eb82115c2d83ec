import type { GoalRecord } from "@switchyard/contracts";
import { readySubtasks } from "../dag.ts";
import type { FailurePolicies } from "../failure-policy.ts";
import {
  answerRecord,
  applyResult,
  cancelRecord,
  claimDispatch,
  expireRecord,
  reviewOutput,
  settleProposal,
} from "../goal-state.ts";
import type { GoalInput } from "./goal-input.ts";

/** What the decision may know besides the record and the input: the time, the failure policies, a recorded cancel. */
export type DecisionContext = {
  now: Date;
  failurePolicies: FailurePolicies;
  /** A cancellation recorded in KV: it wins over whatever else arrives. */
  cancelled?: { reason: string };
};

/**
 * The goal reactor's one decision: current record + input + now → the next record, or `undefined` when nothing
 * changes. Pure, so it may run again on a fresher record after a compare-and-set conflict. The messages to send follow
 * from the record it returns ({@link outboxOf}): a subtask it claims for dispatch is sent, a goal it ends is announced.
 */
export function decide(record: GoalRecord, input: GoalInput, ctx: DecisionContext): GoalRecord | undefined {
  const cancelled = ctx.cancelled === undefined ? undefined : cancelRecord(record, ctx.cancelled.reason, ctx.now);
  const applied = cancelled ?? applyInput(record, input, ctx);
  const base = applied ?? record;
  // Whatever the input was, every subtask it made ready is claimed in the same write.
  const ready = readySubtasks(base, ctx.now).map((s) => s.id);
  return claimDispatch(base, ready, ctx.now) ?? applied;
}

function applyInput(record: GoalRecord, input: GoalInput, ctx: DecisionContext): GoalRecord | undefined {
  switch (input.type) {
    case "submitted":
    case "wake":
      return undefined;
    case "result":
      return applyResult(record, input.result, ctx.now, ctx.failurePolicies);
    case "answer":
      return answerRecord(record, input.answer, input.answeredBy);
    case "review":
      return reviewOutput(record, input.review, input.reviewedBy, ctx.now, ctx.failurePolicies);
    case "proposal":
      return settleProposal(record, input.proposal, input.note, ctx.now, ctx.failurePolicies);
    case "deadline":
      return expireRecord(record, ctx.now);
    case "cancel":
      return cancelRecord(record, input.reason, ctx.now);
  }
}
