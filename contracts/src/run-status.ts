import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";

/**
 * How a subtask or a goal ended (or, for `needs_*`, why it is waiting: a person's input, an approval of a proposed
 * action, or a review of a finished output the plan holds for a person).
 */
export const RunStatus = z
  .enum([
    "ok",
    "limit_steps",
    "limit_tokens",
    "limit_time",
    "limit_cost",
    "needs_input",
    "needs_approval",
    "needs_review",
    "failed",
    "cancelled",
  ])
  .register(wireDocs, {
    description:
      "How a subtask or a goal ended: `ok`, a budget limit (`limit_*`), `failed` or `cancelled`; or why it waits for a " +
      "person: `needs_input` (an answer), `needs_approval` (a decision on a proposed action), `needs_review` (a " +
      "review of a held output).",
  });
export type RunStatus = z.infer<typeof RunStatus>;

/** The classified reason of a failure. */
export const FailureKind = z
  .enum([
    "loop",
    "invalid_tool_calls",
    "tool_error",
    "invalid_output",
    "model_error",
    "policy_denied",
    "bad_input",
    "crashed",
  ])
  .register(wireDocs, { description: "The classified reason of a failure." });
export type FailureKind = z.infer<typeof FailureKind>;

/** Why a run failed, in words an operator can act on. */
export const Failure = z
  .object({
    kind: FailureKind,
    message: z.string().min(1).describe("What went wrong, for an operator."),
  })
  .register(wireDocs, {
    description: "Why a run failed, in words an operator can act on.",
    examples: [{ kind: "loop", message: "the same tool call was repeated 3 times with the same arguments" }],
  });
export type Failure = z.infer<typeof Failure>;
