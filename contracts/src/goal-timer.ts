import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { GoalId, SubtaskId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/**
 * A durable timer of the coordinator on `<prefix>.goals.timer`: held in the goals stream (redelivered until due), so
 * a goal's deadline or a retry's backoff survives any replica's crash. `deadline` ends a goal still running at `at`
 * with `limit_time`; `retry` dispatches a subtask whose backoff is over; `review` expires a proposal nobody decided.
 */
export const GoalTimer = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    kind: z.enum(["deadline", "retry", "review"]),
    subtaskId: SubtaskId.optional(),
    proposalId: z.string().min(1).optional().describe("For `review`: the proposal that expires if still pending."),
    at: Timestamp.describe("When the timer is due."),
  })
  .register(wireDocs, {
    description:
      "A durable timer of the coordinator on `<prefix>.goals.timer` (stream `SY_GOALS`; only the coordinator publishes " +
      "here): `deadline` ends a goal still running, `retry` dispatches a subtask whose backoff is over, `review` expires " +
      "a proposal nobody decided.",
  });
export type GoalTimer = z.infer<typeof GoalTimer>;
