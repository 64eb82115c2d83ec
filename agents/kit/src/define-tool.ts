import type { ToolKind } from "@switchyard/contracts";
import type { Logger } from "@switchyard/infra";
import type { z } from "zod";
import { AgentKitError } from "./errors.ts";

/** What a tool implementation knows about the call. */
export type ToolContext = {
  goalId: string;
  subtaskId: string;
  /**
   * `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<hash of canonical args>`: the same call on a redelivered
   * subtask has the same key. Pass it to external APIs that accept one (e.g. an `Idempotency-Key` HTTP header).
   */
  effectKey: string;
  /** Aborted at the run's deadline and on cancellation. */
  signal: AbortSignal;
  logger: Logger;
};

/** A confirmation policy's verdict on a write call. */
export type ConfirmDecision =
  { decision: "allow" } | { decision: "deny"; reason: string } | { decision: "require_approval"; reason: string };

/** The specification of a tool. */
export type ToolSpec<I extends z.ZodType, O extends z.ZodType> = {
  /** `[a-z][a-z0-9_]*`, unique within an agent. */
  name: string;
  /** What the model reads to decide when to call it. */
  description: string;
  /**
   * `read`: runs freely. `write`: runs after its confirmation policy allows it, at most once per effect key (effects
   * ledger). `destructive`: never run by an agent — the call becomes an action proposal for approval.
   */
  kind: ToolKind;
  input: I;
  output: O;
  run(args: z.output<I>, ctx: ToolContext): Promise<NoInfer<z.input<O>>>;
  /** Write tools only: decides each call before it runs. Default: allow. */
  confirm?(args: z.output<I>, ctx: ToolContext): ConfirmDecision | Promise<ConfirmDecision>;
  /**
   * Write tools only: dot paths of the args that name an entity (`to`, `orderId`, …). A call whose entity is
   * neither in the task's trusted input nor returned by a read tool in the same run needs approval. Default: none.
   */
  entities?: readonly string[];
};

/** A defined tool. */
export type ToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> = Readonly<ToolSpec<I, O>>;

/** Names the loop reserves for its own tools. */
export const RESERVED_TOOL_NAMES = new Set(["final_answer", "record_summary"]);

/** Defines a tool; a bad name, a reserved name or a confirm policy on a non-write tool fails here. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(spec: ToolSpec<I, O>): ToolDefinition<I, O> {
  if (!/^[a-z][a-z0-9_]{0,63}$/.test(spec.name)) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `invalid tool name "${spec.name}": must match [a-z][a-z0-9_]{0,63}`,
    );
  }
  if (RESERVED_TOOL_NAMES.has(spec.name)) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `tool name "${spec.name}" is reserved by the agent loop`,
    );
  }
  if ((spec.confirm !== undefined || spec.entities !== undefined) && spec.kind !== "write") {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `tool "${spec.name}": only write tools take a confirm policy or entities`,
    );
  }
  return Object.freeze({ ...spec });
}
