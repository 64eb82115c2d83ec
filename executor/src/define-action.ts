import type { ActionProposal } from "@switchyard/contracts";
import type { Logger } from "@switchyard/infra";
import type { z } from "zod";
import { ExecutorError } from "./errors.ts";

/** What an action implementation knows about the approved call it runs. */
export type ActionContext = {
  /**
   * The proposal id: the same for every delivery of this approved action. Pass it to external APIs that accept one
   * (e.g. an `Idempotency-Key` HTTP header), so their side deduplicates too.
   */
  idempotencyKey: string;
  /** The approved proposal (its args already checked against the approved hash and the input schema). */
  proposal: ActionProposal;
  /** Aborted at the action timeout (`SY_ACTION_TIMEOUT_MS`, default 30 s) and when the executor stops. */
  signal: AbortSignal;
  logger: Logger;
};

/** The specification of an action: the implementation of one destructive (or write) agent tool. */
export type ActionSpec<I extends z.ZodType> = {
  /** The name of the agent tool it executes, e.g. `issue_refund`: `[a-z][a-z0-9_]{0,63}`. */
  tool: string;
  /** What it does, for operators (`$SRV.INFO`, the `actions` endpoint). */
  description: string;
  /** The tool's input schema: args that fail it are refused, never run. */
  input: I;
  /** Runs the action once. Its JSON-serializable result is recorded and sent back to the goal. Throw to fail it. */
  run(args: z.output<I>, ctx: ActionContext): Promise<unknown>;
};

/** A defined action. */
export type ActionDefinition<I extends z.ZodType = z.ZodType> = Readonly<ActionSpec<I>>;

/** Tool names as the agent kit allows them. */
export const ACTION_NAME_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

/** Defines an action; a bad tool name fails here. */
export function defineAction<I extends z.ZodType>(spec: ActionSpec<I>): ActionDefinition<I> {
  if (!ACTION_NAME_PATTERN.test(spec.tool)) {
    throw new ExecutorError(
      "SY_ERR_ACTION_DEFINITION",
      "caller",
      `invalid action tool "${spec.tool}": must match ${String(ACTION_NAME_PATTERN)}`,
    );
  }
  return Object.freeze({ ...spec });
}
