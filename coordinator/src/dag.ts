import type { GoalRecord, Plan, PlannedSubtask } from "@switchyard/contracts";

/** A cycle in the plan as a list of subtask ids (first = last), or `undefined` if it is a DAG. */
export function findCycle(plan: Pick<Plan, "subtasks">): string[] | undefined {
  const deps = new Map(plan.subtasks.map((s) => [s.id, s.dependsOn]));
  const state = new Map<string, "visiting" | "done">();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === "done") return undefined;
    if (state.get(id) === "visiting") return [...path.slice(path.indexOf(id)), id];
    state.set(id, "visiting");
    path.push(id);
    for (const d of deps.get(id) ?? []) {
      const cycle = visit(d);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    state.set(id, "done");
    return undefined;
  };
  for (const s of plan.subtasks) {
    const cycle = visit(s.id);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Subtasks that are pending (and past any retry backoff) whose dependencies all finished `ok`: dispatch them now. */
export function readySubtasks(record: GoalRecord, now: Date = new Date()): PlannedSubtask[] {
  if (record.plan === undefined) return [];
  const finishedOk = (id: string) => {
    const s = record.subtasks[id];
    return s?.type === "finished" && s.result.status === "ok";
  };
  const due = (id: string) => {
    const s = record.subtasks[id];
    return s?.type === "pending" && (s.notBefore === undefined || Date.parse(s.notBefore) <= now.getTime());
  };
  return record.plan.subtasks.filter((s) => due(s.id) && s.dependsOn.every(finishedOk));
}

/** Subtasks no other subtask depends on. */
export function sinks(plan: Plan): PlannedSubtask[] {
  const depended = new Set(plan.subtasks.flatMap((s) => s.dependsOn));
  return plan.subtasks.filter((s) => !depended.has(s.id));
}
