import { z } from "zod";
import { GoalId, Timestamp } from "./ids.ts";
import { GoalResult } from "./goal-result.ts";
import { WireVersion } from "./version.ts";

/**
 * A request to cancel a goal: the body of `<prefix>.control.cancel.<goalId>` (may be empty) and the flag kept in
 * KV `<prefix>_goals` under `cancel.<goalId>`, so a replica that missed the message still honours it.
 */
export const CancelRequest = z.object({
  v: WireVersion,
  goalId: GoalId,
  reason: z.string().max(1_000).default("cancelled on request"),
  requestedBy: z.string().max(128).optional(),
  requestedAt: Timestamp,
});
export type CancelRequest = z.infer<typeof CancelRequest>;

/** The reply of `<prefix>.goals.request` (submit a goal and block until its result). */
export const GoalReply = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), data: GoalResult }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type GoalReply = z.infer<typeof GoalReply>;
