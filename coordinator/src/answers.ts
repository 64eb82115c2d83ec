import type { GoalAnswer } from "@switchyard/contracts";
import type { InvalidDelivery } from "@switchyard/infra";
import { advanceGoal } from "./advance.ts";
import type { CoordinatorDeps } from "./deps.ts";
import { answerRecord } from "./goal-state.ts";
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
  const before = await deps.store.get(answer.goalId);
  const waiting = before === undefined ? [] : Object.keys(before.value.subtasks);
  const after =
    before === undefined ? undefined : await deps.store.update(answer.goalId, (r) => answerRecord(r, answer, person));
  const resumed =
    after?.phase.type === "running"
      ? waiting.filter(
          (id) => after.subtasks[id]?.type === "pending" && before?.value.subtasks[id]?.type === "finished",
        )
      : [];
  if (after === undefined || resumed.length === 0) {
    await reject(
      before === undefined
        ? `answer for unknown goal "${answer.goalId}"`
        : `goal "${answer.goalId}" has no subtask waiting for input${answer.subtaskId ? ` named "${answer.subtaskId}"` : ""}`,
    );
    return;
  }
  deps.logger.info({ event: "goal.resumed", goalId: answer.goalId, subtasks: resumed, by: person }, "goal resumed");
  await deps.events.emitSafely({
    type: "goal.resumed",
    goalId: answer.goalId,
    tenant: after.goal.tenant,
    subtaskIds: resumed,
    answeredBy: person,
  });
  await advanceGoal(answer.goalId, deps);
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
