// SendStreamingMessage: what SendMessage does, with the task's progress streamed as it happens.
import type { GatewayContext } from "../gateway-context.ts";
import type { StreamResponse } from "../protocol.ts";
import type { SendMessageParams } from "../request-params.ts";
import { taskOf } from "../task-view.ts";
import type { RequestScope } from "./request-scope.ts";
import { startFromMessage } from "./start-from-message.ts";
import { taskStream } from "./task-stream.ts";

/** Starts the goal (errors here are answered before any event); the events follow as the stream is read. */
export async function streamMessage(
  ctx: GatewayContext,
  scope: RequestScope,
  params: SendMessageParams,
): Promise<AsyncIterable<StreamResponse>> {
  const started = await startFromMessage(ctx, scope, params);
  const first = taskOf(started.view, { historyLength: params.configuration?.historyLength });
  return taskStream(
    ctx,
    { goal: started.goal, first, pausesSeen: started.pausesSeen, since: started.since },
    scope.signal,
  );
}
