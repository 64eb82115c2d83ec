// The stream of a task (SendStreamingMessage, SubscribeToTask): the task first, then a working status update per
// step of its goal, then — when the goal ends or waits for input — its artifact and its final status (spec §3.1.2).
import type { Goal } from "@switchyard/contracts";
import type { GatewayContext } from "../gateway-context.ts";
import { followGoal } from "../goal-follower.ts";
import type { StreamResponse, Task } from "../protocol.ts";
import { stepUpdate } from "../step-updates.ts";
import { contextIdOf, taskOf } from "../task-view.ts";

/** Where a task's stream starts. */
export type TaskStreamStart = {
  goal: Goal;
  /** The first event: the task as it stands. */
  first: Task;
  /** Pauses the client has seen already. */
  pausesSeen: number;
  /** Steps before this time are left out (the client has seen them, or subscribed later). */
  since?: Date;
};

/**
 * The task's events until its goal ends or pauses for input, the client goes away (`signal`), or the gateway's
 * wait bound passes — then a last working update says so, and the client may subscribe again.
 */
export async function* taskStream(
  ctx: GatewayContext,
  start: TaskStreamStart,
  signal: AbortSignal,
): AsyncGenerator<StreamResponse> {
  const { goal } = start;
  const taskId = goal.id;
  const contextId = contextIdOf(goal);
  yield { task: start.first };
  const timeout = AbortSignal.timeout(ctx.config.waitMs);
  const updates = followGoal(ctx.bus, {
    tenant: ctx.config.tenant,
    goalId: goal.id,
    pausesSeen: start.pausesSeen,
    steps: { since: start.since },
    signal: AbortSignal.any([signal, timeout]),
  });
  for await (const update of updates) {
    if (update.type === "step") {
      const statusUpdate = stepUpdate(goal, update.publisher, update.event);
      if (statusUpdate !== undefined) yield { statusUpdate };
      continue;
    }
    const task = taskOf({ goal, result: update.result, accepted: true }, { historyLength: 0 });
    for (const artifact of task.artifacts ?? []) {
      yield { artifactUpdate: { taskId, contextId, artifact, lastChunk: true } };
    }
    yield { statusUpdate: { taskId, contextId, status: task.status, metadata: task.metadata } };
    return;
  }
  if (timeout.aborted && !signal.aborted) {
    const note =
      `The gateway stopped following this task after ${ctx.config.waitMs} ms; it goes on: SubscribeToTask or ` +
      "GetTask for its state.";
    const task = taskOf({ goal, accepted: true, note }, { historyLength: 0 });
    yield { statusUpdate: { taskId, contextId, status: task.status, metadata: task.metadata } };
  }
}
