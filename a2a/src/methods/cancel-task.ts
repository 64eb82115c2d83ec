// CancelTask: cancels the goal, as `switchyard cancel` does, and answers with the task as it ended.
import { A2aError, taskNotFound } from "../errors.ts";
import type { GatewayContext } from "../gateway-context.ts";
import { requestCancel } from "../goal-operations.ts";
import type { Task } from "../protocol.ts";
import type { CancelTaskParams } from "../request-params.ts";
import { checkTenant, visibleGoal } from "../task-access.ts";
import { TASK_STATE_OF, taskOf } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";

const notCancelable = (taskId: string, status: keyof typeof TASK_STATE_OF) =>
  new A2aError(
    "SY_ERR_A2A_TASK_NOT_CANCELABLE",
    `task ${taskId} cannot be canceled: it is in a terminal state (${TASK_STATE_OF[status]}: the goal ended ${status})`,
    { details: { taskId, state: TASK_STATE_OF[status] } },
  );

export async function cancelTask(ctx: GatewayContext, scope: RequestScope, params: CancelTaskParams): Promise<Task> {
  checkTenant(ctx, params.tenant);
  const record = await visibleGoal(ctx, scope.caller, params.id);
  if (record.phase.type === "finished") throw notCancelable(params.id, record.phase.result.status);
  const given = params.metadata?.["reason"];
  const reason =
    typeof given === "string" && given.trim() !== ""
      ? given.slice(0, 1_000)
      : `cancelled by A2A client user ${scope.caller.user}`;
  const reply = await requestCancel(ctx.bus, ctx.config.tenant, params.id, reason);
  if (!reply.ok) {
    if (reply.error.code === "SY_ERR_GOAL_UNKNOWN") throw taskNotFound(params.id);
    throw new A2aError("SY_ERR_A2A_INTERNAL", `the coordinator did not cancel ${params.id}: ${reply.error.message}`);
  }
  if (reply.alreadyEnded) throw notCancelable(params.id, reply.data.status);
  ctx.logger.info({ event: "a2a.goal_cancelled", goalId: params.id, user: scope.caller.user }, "goal cancelled");
  return taskOf({ goal: record.goal, result: reply.data, accepted: true, answers: record.answers });
}
