// SubscribeToTask: the stream of a task that has not ended, from now on (spec §3.1.6).
import { A2aError } from "../errors.ts";
import type { GatewayContext } from "../gateway-context.ts";
import type { StreamResponse } from "../protocol.ts";
import type { SubscribeToTaskParams } from "../request-params.ts";
import { checkTenant, visibleGoal } from "../task-access.ts";
import { TASK_STATE_OF, taskOf, viewOfRecord } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";
import { taskStream } from "./task-stream.ts";

export async function subscribeToTask(
  ctx: GatewayContext,
  scope: RequestScope,
  params: SubscribeToTaskParams,
): Promise<AsyncIterable<StreamResponse>> {
  checkTenant(ctx, params.tenant);
  const record = await visibleGoal(ctx, scope.caller, params.id);
  if (record.phase.type === "finished") {
    const state = TASK_STATE_OF[record.phase.result.status];
    throw new A2aError(
      "SY_ERR_A2A_UNSUPPORTED_OPERATION",
      `task ${params.id} is in a terminal state (${state}): there is nothing to subscribe to; GetTask reads it`,
      { details: { taskId: params.id, state } },
    );
  }
  const first = taskOf(viewOfRecord(record));
  const start = { goal: record.goal, first, pausesSeen: record.pausesSoFar ?? 0, since: new Date() };
  return taskStream(ctx, start, scope.signal);
}
