import type { GoalAnswer } from "@switchyard/contracts";
import type { InvalidDelivery } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";
import { applyInput, flushGoal } from "./reactor/react.ts";
import { senderOf } from "./senders.ts";

/**
 * Resumes a goal paused on `needs_input` with a person's answer (from `<prefix>.goals.answer.<person>`): the waiting
 * subtasks run again, with the answer in their envelope, recorded as `person`'s. An answer for a goal that waits for
 * none, or whose `answeredBy` is not the person it was published as, is reported, not dropped.
 */
export async function handleAnswer(answer: GoalAnswer, person: string, deps: CoordinatorDeps): Promise<void> {
  const subject = deps.bus.names.subjects.goalAnswer(person);
  const reject = (reason: string, issues?: Array<{ path: string; message: string }>) =>
    deps.rejections.report({ subject, sender: person, goalId: answer.goalId, reason, issues });
  if (answer.answeredBy !== undefined && answer.answeredBy !== person) {
    await reject(`answeredBy "${answer.answeredBy}" is not the person "${person}" the answer was published as`, [
      { path: "answeredBy", message: `must be "${person}" or absent` },
    ]);
    return;
  }
  const applied = await applyInput(answer.goalId, { type: "answer", answer, answeredBy: person }, deps);
  const reaction = applied && { before: applied.before, after: applied.record.value };
  // Resumed: subtasks that waited for input before the answer and run again after it.
  const resumed =
    reaction === undefined
      ? []
      : Object.keys(reaction.before.subtasks).filter((id) => {
          const was = reaction.before.subtasks[id];
          const now = reaction.after.subtasks[id];
          return was?.type === "finished" && was.result.status === "needs_input" && now?.type !== "finished";
        });
  if (reaction === undefined || resumed.length === 0) {
    // A redelivered answer whose resume was written but not sent before a crash finds nothing to resume: send it.
    await flushGoal(answer.goalId, deps, applied?.record);
    await reject(
      reaction === undefined
        ? `answer for unknown goal "${answer.goalId}"`
        : `goal "${answer.goalId}" has no subtask waiting for input${answer.subtaskId ? ` named "${answer.subtaskId}"` : ""}`,
    );
    return;
  }
  deps.logger.info({ event: "goal.resumed", goalId: answer.goalId, subtasks: resumed, by: person }, "goal resumed");
  await deps.events.emitSafely({
    type: "goal.resumed",
    goalId: answer.goalId,
    tenant: reaction.after.goal.tenant,
    subtaskIds: resumed,
    answeredBy: person,
  });
  await flushGoal(answer.goalId, deps, applied?.record);
}

/** An answer message that breaks the schema: reported (it names no goal we can resume). */
export async function rejectAnswer(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  await deps.rejections.report({
    subject: bad.subject,
    sender: senderOf(bad.subject),
    reason: bad.reason,
    issues: bad.issues,
  });
}
