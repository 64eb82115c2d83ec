import type { InvalidDelivery } from "@switchyard/infra";
import type { OutputReview } from "@switchyard/contracts";
import type { CoordinatorDeps } from "./deps.ts";
import { applyInput, flushGoal } from "./reactor/react.ts";
import { senderOf } from "./senders.ts";

/**
 * A person's review of an output held for review (from `<prefix>.goals.review.<person>`): the goal goes on with the
 * output accepted or edited, or the subtask fails on a rejection; recorded as `person`'s. A review of an output that
 * does not wait for one, or whose `reviewedBy` is not the person it was published as, is reported, not dropped.
 */
export async function handleOutputReview(review: OutputReview, person: string, deps: CoordinatorDeps): Promise<void> {
  const subject = deps.bus.names.subjects.goalReview(person);
  const reject = (reason: string) => deps.rejections.report({ subject, sender: person, goalId: review.goalId, reason });
  if (review.reviewedBy !== undefined && review.reviewedBy !== person) {
    await reject(`reviewedBy "${review.reviewedBy}" is not the person "${person}" the review was published as`);
    return;
  }
  const applied = await applyInput(review.goalId, { type: "review", review, reviewedBy: person }, deps);
  const was = applied?.before.subtasks[review.subtaskId];
  const decided = was?.type === "finished" && was.result.status === "needs_review";
  if (applied === undefined || !decided) {
    // A redelivered review whose decision was written but not sent before a crash finds nothing to decide: send it.
    await flushGoal(review.goalId, deps, applied?.record);
    await reject(
      applied === undefined
        ? `review for unknown goal "${review.goalId}"`
        : `subtask "${review.subtaskId}" of goal "${review.goalId}" has no output waiting for a review`,
    );
    return;
  }
  deps.logger.info(
    {
      event: "output.reviewed",
      goalId: review.goalId,
      subtaskId: review.subtaskId,
      decision: review.decision,
      by: person,
    },
    `output ${review.decision}ed`,
  );
  await deps.events.emitSafely({
    type: "output.reviewed",
    goalId: review.goalId,
    tenant: applied.record.value.goal.tenant,
    subtaskId: review.subtaskId,
    decision: review.decision,
    reviewedBy: person,
    reason: review.reason,
  });
  await flushGoal(review.goalId, deps, applied.record);
}

/** A review message that breaks the schema: reported (a rejection without a reason, an edit without an output, …). */
export async function rejectOutputReview(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  await deps.rejections.report({
    subject: bad.subject,
    sender: senderOf(bad.subject),
    reason: bad.reason,
    issues: bad.issues,
  });
}
