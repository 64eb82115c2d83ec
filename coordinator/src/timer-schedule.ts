import { GoalTimer, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson } from "@switchyard/infra";
import type { CoordinatorDeps } from "./deps.ts";

/** Puts a timer in the goals stream; the msg id keeps one timer per goal deadline and per retry attempt. */
export async function scheduleTimer(deps: CoordinatorDeps, timer: Omit<GoalTimer, "v">): Promise<void> {
  const msgId = `timer/${timer.goalId}/${timer.kind}/${timer.subtaskId ?? ""}/${timer.at}`;
  await publishJson(deps.bus, deps.bus.names.subjects.goalTimer, GoalTimer, { v: WIRE_VERSION, ...timer }, { msgId });
}
