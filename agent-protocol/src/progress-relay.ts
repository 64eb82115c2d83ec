// Relays a goal's step events to the caller as progress lines, and knows when the lines that go with a result have
// all come. Events and results are read apart, and an agent reports a subtask's end just after its result, so the
// coordinator's result (and its `goal.finished`) can arrive before the last `subtask.finished`: the stream waits for
// them a moment before it sends the output.
import type { GoalResult, StepEvent } from "@switchyard/contracts";
import type { GoalFollower } from "./goal-follower.ts";
import { progressLine } from "./progress-lines.ts";
import type { ReplyStream } from "./reply-stream.ts";

/** How long, after a result, to wait for the events that go with it. */
const SETTLE_MS = 1_000;

/** The progress of one goal as relayed so far. */
export type ProgressRelay = {
  /** Sends the event's progress line, if it has one, and notes what it tells. */
  relay(event: StepEvent): void;
  /** Relays events until those that go with `result` came (bounded): the coordinator's and each subtask's end. */
  settle(follower: GoalFollower, result: GoalResult): Promise<void>;
};

const runKey = (subtaskId: string, attempt: number | undefined) => `${subtaskId}#${attempt ?? "?"}`;

export function createProgressRelay(reply: ReplyStream): ProgressRelay {
  const ended = new Set<string>();
  let goalEventSeen = false;
  const complete = (result: GoalResult) =>
    goalEventSeen &&
    result.subtasks.every(
      (s) => ended.has(runKey(s.subtaskId, s.attempt)) || ended.has(runKey(s.subtaskId, undefined)),
    );
  const relay = (event: StepEvent) => {
    const line = progressLine(event);
    if (line !== undefined) reply.send(`${line}\n`);
    if (event.type === "subtask.finished") ended.add(runKey(event.subtaskId, event.attempt));
    if (event.type === "goal.finished" || event.type === "goal.paused") goalEventSeen = true;
  };
  return {
    relay,
    async settle(follower, result) {
      const until = Date.now() + SETTLE_MS;
      for (let left = SETTLE_MS; !complete(result) && left > 0; left = until - Date.now()) {
        const update = await follower.next(left);
        if (update === "timeout") break;
        // The next result (the goal went on meanwhile) waits for its turn.
        if (update.type === "result") {
          follower.putBack(update);
          break;
        }
        relay(update.event);
      }
      // The next stretch of the goal (after an answer) ends with an event of its own.
      goalEventSeen = false;
    },
  };
}
