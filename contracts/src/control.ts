import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { GoalId, Timestamp } from "./ids.ts";
import { GoalResult } from "./goal-result.ts";
import { WireVersion } from "./version.ts";

/**
 * A request to cancel a goal, sent as a NATS request on `<prefix>.goals.cancel.tenant.<tenant>` (a backend, for its
 * own tenant's goals) or `<prefix>.goals.cancel.person.<person>` (a person). The coordinator records it in KV
 * `<prefix>_goals` under `cancel.<goalId>` (so an agent that missed the bus message still honours it) and answers
 * with a {@link CancelReply}.
 */
export const CancelRequest = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    reason: z.string().max(1_000).default("cancelled on request"),
    requestedBy: z
      .string()
      .max(128)
      .optional()
      .describe(
        "Filled in by the coordinator from the subject (`tenant:<t>` or `person:<p>`); a body value is ignored.",
      ),
    requestedAt: Timestamp,
  })
  .register(wireDocs, {
    description:
      "A request to cancel a goal: a NATS request on `<prefix>.goals.cancel.tenant.<tenant>` (a backend, its own " +
      "tenant's goals) or `<prefix>.goals.cancel.person.<person>` (a person), answered with a CancelReply. The " +
      "coordinator also sends it on `<prefix>.control.cancel.<goalId>` to stop the agents' runs.",
  });
export type CancelRequest = z.infer<typeof CancelRequest>;

/** An error reply: a stable code and words an operator can act on. */
export const ReplyError = z
  .object({
    code: z.string().describe("A stable code, e.g. `SY_ERR_GOAL_UNKNOWN`, `SY_ERR_BAD_REQUEST`."),
    message: z.string(),
  })
  .register(wireDocs, { description: "An error reply: a stable code and words an operator can act on." });
export type ReplyError = z.infer<typeof ReplyError>;

/** The reply of `<prefix>.goals.request.<tenant>` (submit a goal and block until its result). */
export const GoalReply = z
  .discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), data: GoalResult }),
    z.object({ ok: z.literal(false), error: ReplyError }),
  ])
  .register(wireDocs, {
    description:
      "The reply to a goal sent as a request on `<prefix>.goals.request.<tenant>`: its final result, or why it was " +
      "not run.",
  });
export type GoalReply = z.infer<typeof GoalReply>;

/**
 * The reply of a cancel request: the goal's result once cancelled (or as it had already ended: `alreadyEnded`), or
 * why nothing was cancelled (`SY_ERR_GOAL_UNKNOWN` — also for another tenant's goal —, `SY_ERR_BAD_REQUEST`).
 */
export const CancelReply = z
  .discriminatedUnion("ok", [
    z.object({
      ok: z.literal(true),
      data: GoalResult,
      alreadyEnded: z.boolean().default(false).describe("The goal had ended before this request: nothing changed."),
    }),
    z.object({ ok: z.literal(false), error: ReplyError }),
  ])
  .register(wireDocs, {
    description:
      "The reply to a cancel request: the goal's result once cancelled (or as it had already ended), or why nothing " +
      "was cancelled.",
  });
export type CancelReply = z.infer<typeof CancelReply>;
