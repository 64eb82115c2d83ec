import type { GoalAnswer } from "@switchyard/contracts";
import type { InvalidDelivery } from "@switchyard/infra";
import { advanceGoal } from "./advance.ts";
import type { CoordinatorDeps } from "./deps.ts";
import { answerRecord } from "./goal-state.ts";

/**
 * Resumes a goal paused on `needs_input` with a person's answer (from `<prefix>.goals.answer`): the waiting subtasks
 * run again, with the answer in their envelope. An answer for a goal that waits for none is reported, not dropped.
 */
export async function handleAnswer(answer: GoalAnswer, deps: CoordinatorDeps): Promise<void> {
  const before = await deps.store.get(answer.goalId);
  const waiting = before === undefined ? [] : Object.keys(before.value.subtasks);
  const after =
    before === undefined ? undefined : await deps.store.update(answer.goalId, (r) => answerRecord(r, answer));
  const resumed =
    after?.phase.type === "running"
      ? waiting.filter(
          (id) => after.subtasks[id]?.type === "pending" && before?.value.subtasks[id]?.type === "finished",
        )
      : [];
  if (resumed.length === 0) {
    const reason =
      before === undefined
        ? `answer for unknown goal "${answer.goalId}"`
        : `goal "${answer.goalId}" has no subtask waiting for input${answer.subtaskId ? ` named "${answer.subtaskId}"` : ""}`;
    deps.logger.warn({ event: "answer.rejected", goalId: answer.goalId, reason }, reason);
    await deps.events.emitSafely({
      type: "message.rejected",
      goalId: answer.goalId,
      subject: deps.bus.names.subjects.goalAnswer,
      reason,
      issues: [],
    });
    return;
  }
  deps.logger.info(
    { event: "goal.resumed", goalId: answer.goalId, subtasks: resumed, by: answer.answeredBy },
    "goal resumed",
  );
  await deps.events.emitSafely({
    type: "goal.resumed",
    goalId: answer.goalId,
    subtaskIds: resumed,
    answeredBy: answer.answeredBy,
  });
  await advanceGoal(answer.goalId, deps);
}

/** An answer message that breaks the schema: reported as an event (it names no goal we can resume). */
export async function rejectAnswer(bad: InvalidDelivery, deps: CoordinatorDeps): Promise<void> {
  await deps.events.emitSafely({
    type: "message.rejected",
    subject: bad.subject,
    reason: bad.reason,
    issues: bad.issues,
  });
}
