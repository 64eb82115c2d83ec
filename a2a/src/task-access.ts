// Which tasks a caller may touch: goals of the gateway's tenant submitted for the caller's user. Any other goal is
// as unknown to the caller as one that does not exist (spec §3.3.2, §13.1).
import { GoalId, type GoalRecord } from "@switchyard/contracts";
import type { Caller } from "./authentication.ts";
import { invalidParams, taskNotFound } from "./errors.ts";
import type { GatewayContext } from "./gateway-context.ts";
import { readGoalRecord } from "./goal-operations.ts";

/** A request's `tenant` routing field, when given, must be this gateway's tenant. */
export function checkTenant(ctx: GatewayContext, tenant: string | undefined): void {
  if (tenant === undefined || tenant === "" || tenant === ctx.config.tenant) return;
  throw invalidParams([{ field: "tenant", description: `this agent serves tenant "${ctx.config.tenant}" only` }]);
}

/** The record of a task the caller may see; a task-not-found error for any other id. */
export async function visibleGoal(ctx: GatewayContext, caller: Caller, taskId: string): Promise<GoalRecord> {
  if (!GoalId.safeParse(taskId).success) throw taskNotFound(taskId);
  const record = await readGoalRecord(ctx.bus, ctx.goals, taskId);
  if (record === undefined || record.goal.tenant !== ctx.config.tenant || record.goal.user !== caller.user) {
    throw taskNotFound(taskId);
  }
  return record;
}

const ACCEPT_POLL_MS = [25, 50, 100, 200, 250];

/**
 * Waits (at most `timeoutMs`) until the coordinator has taken a just-submitted goal — its record exists — so the
 * task a client gets back can be read, cancelled and answered at once. `undefined` if it has not by then.
 */
export async function awaitAccepted(
  ctx: GatewayContext,
  goalId: string,
  timeoutMs: number,
): Promise<GoalRecord | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const record = await readGoalRecord(ctx.bus, ctx.goals, goalId);
    if (record !== undefined || Date.now() >= deadline) return record;
    const pause = ACCEPT_POLL_MS[Math.min(attempt, ACCEPT_POLL_MS.length - 1)] ?? 250;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, Math.max(0, deadline - Date.now()))));
  }
}
