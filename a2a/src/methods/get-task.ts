// GetTask: a task's state as its goal's record holds it now.
import type { GatewayContext } from "../gateway-context.ts";
import type { Task } from "../protocol.ts";
import type { GetTaskParams } from "../request-params.ts";
import { checkTenant, visibleGoal } from "../task-access.ts";
import { taskOf, viewOfRecord } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";

export async function getTask(ctx: GatewayContext, scope: RequestScope, params: GetTaskParams): Promise<Task> {
  checkTenant(ctx, params.tenant);
  const record = await visibleGoal(ctx, scope.caller, params.id);
  return taskOf(viewOfRecord(record), { historyLength: params.historyLength });
}
