// SendMessage: a new goal, or the answer to a waiting one; by default it answers once the goal ends or waits for
// input (spec §3.2.2), with `returnImmediately` as soon as the coordinator has taken the goal.
import type { GoalResult } from "@switchyard/contracts";
import { errorMessage } from "@switchyard/infra";
import type { GatewayContext } from "../gateway-context.ts";
import { followGoal } from "../goal-follower.ts";
import { readGoalRecord } from "../goal-operations.ts";
import type { Task } from "../protocol.ts";
import type { SendMessageParams } from "../request-params.ts";
import { awaitAccepted } from "../task-access.ts";
import { taskOf, viewOfRecord, type GoalView } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";
import { startFromMessage, type Started } from "./start-from-message.ts";

/** How long `returnImmediately` waits for the coordinator to take a new goal. */
const ACCEPT_WAIT_MS = 5_000;

/** The goal's next result (final, or a new pause), or `undefined` if none came within the wait bound. */
async function nextResult(ctx: GatewayContext, started: Started, signal: AbortSignal): Promise<GoalResult | undefined> {
  const updates = followGoal(ctx.bus, {
    tenant: ctx.config.tenant,
    goalId: started.goal.id,
    pausesSeen: started.pausesSeen,
    signal: AbortSignal.any([signal, AbortSignal.timeout(ctx.config.waitMs)]),
  });
  for await (const update of updates) if (update.type === "result") return update.result;
  return undefined;
}

export async function sendMessage(
  ctx: GatewayContext,
  scope: RequestScope,
  params: SendMessageParams,
): Promise<{ task: Task }> {
  const started = await startFromMessage(ctx, scope, params);
  const historyLength = params.configuration?.historyLength;
  const { goal } = started;
  if (params.configuration?.returnImmediately === true) {
    if (started.view.accepted) return { task: taskOf(started.view, { historyLength }) };
    const record = await awaitAccepted(ctx, goal.id, ACCEPT_WAIT_MS);
    return { task: taskOf(record === undefined ? started.view : viewOfRecord(record), { historyLength }) };
  }
  const result = await nextResult(ctx, started, scope.signal);
  // The record adds the answers to the history; the result alone is enough if it cannot be read.
  const record = await readGoalRecord(ctx.bus, ctx.goals, goal.id).catch((err: unknown) => {
    ctx.logger.warn({ event: "a2a.record_unreadable", goalId: goal.id, err: errorMessage(err) }, "goal record unread");
    return undefined;
  });
  let view: GoalView;
  if (result !== undefined) view = { goal, result, accepted: true, answers: record?.answers };
  else {
    const note =
      `The goal was still running after ${ctx.config.waitMs} ms, when this answer stopped waiting; it goes on: ` +
      "GetTask or SubscribeToTask for its state.";
    view = { ...(record === undefined ? started.view : viewOfRecord(record)), note };
  }
  return { task: taskOf(view, { historyLength }) };
}
