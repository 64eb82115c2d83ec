import { GoalTimer, WIRE_VERSION, type GoalRecord } from "@switchyard/contracts";
import { publishJson } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";

/** Puts a timer in the goals stream; the msg id keeps one timer per goal deadline and per retry attempt. */
export async function scheduleTimer(deps: CoordinatorDeps, timer: Omit<GoalTimer, "v">): Promise<void> {
  const msgId = `timer/${timer.goalId}/${timer.kind}/${timer.subtaskId ?? ""}/${timer.at}`;
  await publishJson(deps.bus, deps.bus.names.subjects.goalTimer, GoalTimer, { v: WIRE_VERSION, ...timer }, { msgId });
}

/** The retry timers a goal needs: one per pending subtask still in its backoff. */
export function goalSubtaskTimers(record: GoalRecord, now: Date): Array<Omit<GoalTimer, "v">> {
  return Object.entries(record.subtasks).flatMap(([subtaskId, s]) =>
    s.type === "pending" && s.notBefore !== undefined && Date.parse(s.notBefore) > now.getTime()
      ? [{ goalId: record.goal.id, kind: "retry" as const, subtaskId, at: s.notBefore }]
      : [],
  );
}
