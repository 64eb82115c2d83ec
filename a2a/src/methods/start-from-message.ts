// What a client's message sets going: a message without a task id submits a new goal; one with the id of a task
// that waits for input answers the goal's question, as `switchyard answer` does (spec §3.4.3).
import type { Goal } from "@switchyard/contracts";
import { gatewayIdentity } from "../config.ts";
import { A2aError } from "../errors.ts";
import type { GatewayContext } from "../gateway-context.ts";
import { answerFromMessage, goalFromMessage } from "../goal-from-message.ts";
import { answerGoal, submitGoal } from "../goal-operations.ts";
import type { SendMessageParams } from "../request-params.ts";
import { checkTenant, visibleGoal } from "../task-access.ts";
import { contextIdOf, TASK_STATE_OF, type GoalView } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";

/** A goal a message set going, and where to follow it from. */
export type Started = {
  goal: Goal;
  /** The task right after the message: submitted (a new goal) or working again (an answer). */
  view: GoalView;
  /** Pauses of the goal the client has seen: the result to wait for comes after them. */
  pausesSeen: number;
  /** When the answer was sent: the goal's earlier steps are not news to the client. Unset for a new goal. */
  since?: Date;
};

/** Submits a new goal, or answers a waiting one; anything else the message cannot do is a clear error. */
export async function startFromMessage(
  ctx: GatewayContext,
  scope: RequestScope,
  params: SendMessageParams,
): Promise<Started> {
  checkTenant(ctx, params.tenant);
  if (params.configuration?.taskPushNotificationConfig !== undefined) {
    throw new A2aError(
      "SY_ERR_A2A_PUSH_NOT_SUPPORTED",
      "push notifications are not supported by this agent (capabilities.pushNotifications is false): stream the " +
        "task, or poll it with GetTask",
    );
  }
  const { message } = params;
  if (message.taskId !== undefined) return answerTask(ctx, scope, params, message.taskId);
  const goal = goalFromMessage(params, {
    tenant: ctx.config.tenant,
    user: scope.caller.user,
    defaultPlan: ctx.config.defaultPlan,
  });
  await submitGoal(ctx.bus, goal);
  ctx.logger.info(
    { event: "a2a.goal_submitted", goalId: goal.id, user: goal.user, plan: goal.plan },
    "goal submitted for an A2A message",
  );
  return { goal, view: { goal, accepted: false }, pausesSeen: 0 };
}

/** A follow-up message on a task: the answer to its goal's question, if the goal waits for one. */
async function answerTask(
  ctx: GatewayContext,
  scope: RequestScope,
  params: SendMessageParams,
  taskId: string,
): Promise<Started> {
  const record = await visibleGoal(ctx, scope.caller, taskId);
  const { goal, phase } = record;
  const contextId = contextIdOf(goal);
  if (params.message.contextId !== undefined && params.message.contextId !== contextId) {
    throw new A2aError(
      "SY_ERR_A2A_INVALID_PARAMS",
      `message.contextId "${params.message.contextId}" is not the context of task ${taskId} ("${contextId}")`,
      { violations: [{ field: "message.contextId", description: `must be "${contextId}" or absent` }] },
    );
  }
  if (phase.type === "finished") {
    const state = TASK_STATE_OF[phase.result.status];
    throw new A2aError(
      "SY_ERR_A2A_UNSUPPORTED_OPERATION",
      `task ${taskId} is in a terminal state (${state}: the goal ended ${phase.result.status}) and takes no more ` +
        "messages; send a message without taskId to start a new task",
      { details: { taskId, state } },
    );
  }
  if (phase.type === "running" || phase.result.status !== "needs_input") {
    const why =
      phase.type === "running"
        ? "is working and waits for no input"
        : phase.result.status === "needs_approval"
          ? "waits for a person to decide its proposed actions, which a message cannot do"
          : "waits for a person to review an output, which a message cannot do";
    throw new A2aError("SY_ERR_A2A_UNSUPPORTED_OPERATION", `task ${taskId} ${why}`, { details: { taskId } });
  }
  const text = answerFromMessage(params.message);
  const since = new Date();
  await answerGoal(ctx.bus, gatewayIdentity(ctx.config.tenant), goal.id, text);
  ctx.logger.info(
    { event: "a2a.goal_answered", goalId: goal.id, user: scope.caller.user },
    "answer sent for an A2A message",
  );
  // The coordinator records the answer as it resumes the goal; until then the task's history shows it as sent.
  const sent = { text, answeredBy: gatewayIdentity(ctx.config.tenant), at: since.toISOString() };
  return {
    goal,
    view: { goal, accepted: true, answers: { ...record.answers, "(sent)": [sent] } },
    pausesSeen: record.pausesSoFar ?? 1,
    since,
  };
}
