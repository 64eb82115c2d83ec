import type { ActionProposal, ToolKind } from "@switchyard/contracts";
import {
  canonicalJson,
  describeIssues,
  errorMessage,
  sha256Hex,
  toValidationIssues,
  type Logger,
} from "@switchyard/infra";
import type { ToolDefinition } from "../define-tool.ts";
import type { EffectsLedger } from "../effects-ledger.ts";
import type { ToolCall } from "../model/types.ts";
import { asUntrustedToolOutput, trimTo } from "./untrusted.ts";

/** What happened to one tool call, and what goes back to the model. */
export type ToolCallOutcome = {
  /** The tool-result content for the model. */
  content: string;
  isError: boolean;
  outcome: "ok" | "error" | "invalid" | "replayed" | "denied" | "proposed";
  kind: ToolKind | undefined;
  /** Set when the call became an action proposal: the run pauses for approval. */
  proposal?: ActionProposal;
  /** True when the model read untrusted data (a read tool's output). */
  readUntrusted: boolean;
};

/** Everything a tool call needs from the run. */
export type ToolCallContext = {
  goalId: string;
  subtaskId: string;
  agent: string;
  signal: AbortSignal;
  logger: Logger;
  effects: EffectsLedger;
  /** Output size cap, in characters, before it enters the context. */
  maxOutputChars: number;
  /** Why the model made the call (its text of this turn), kept on a proposal for the reviewer. */
  reason: string;
};

/** The effect idempotency key: `<goalId>/<subtaskId>/<tool>/<sha256 of canonical args>`. */
export function effectKey(goalId: string, subtaskId: string, tool: string, args: unknown): string {
  return `${goalId}/${subtaskId}/${tool}/${sha256Hex(canonicalJson(args ?? null))}`;
}

const error = (content: string, outcome: ToolCallOutcome["outcome"], kind?: ToolKind): ToolCallOutcome => ({
  content,
  isError: true,
  outcome,
  kind,
  readUntrusted: false,
});

/**
 * Validates and carries out one tool call. An unknown tool or bad arguments go back to the model as a tool error;
 * a read tool runs; a write tool runs only if its policy allows, at most once per effect key; a destructive tool
 * never runs and becomes an action proposal. Tool output is parsed with the tool's output schema, trimmed and
 * labelled as untrusted data.
 */
export async function executeToolCall(
  call: ToolCall,
  tools: ReadonlyMap<string, ToolDefinition>,
  ctx: ToolCallContext,
): Promise<ToolCallOutcome> {
  const tool = tools.get(call.name);
  if (tool === undefined) {
    const known = [...tools.keys(), "final_answer"].join(", ");
    return error(`Unknown tool "${call.name}". Available tools: ${known}.`, "invalid");
  }
  if (call.args === undefined)
    return error(
      `The arguments of ${call.name} are not valid JSON: ${trimTo(call.rawArgs, 200)}`,
      "invalid",
      tool.kind,
    );
  const args = tool.input.safeParse(call.args);
  if (!args.success) {
    return error(
      `Invalid arguments for ${call.name}: ${describeIssues(toValidationIssues(args.error))}`,
      "invalid",
      tool.kind,
    );
  }
  const key = effectKey(ctx.goalId, ctx.subtaskId, tool.name, args.data);
  const toolCtx = {
    goalId: ctx.goalId,
    subtaskId: ctx.subtaskId,
    effectKey: key,
    signal: ctx.signal,
    logger: ctx.logger,
  };

  const propose = (kind: "write" | "destructive", reason: string, content: string): ToolCallOutcome => {
    const proposal: ActionProposal = {
      id: sha256Hex(key).slice(0, 32),
      goalId: ctx.goalId,
      subtaskId: ctx.subtaskId,
      agent: ctx.agent,
      tool: tool.name,
      args: args.data,
      argsHash: sha256Hex(canonicalJson(args.data ?? null)),
      reason,
      kind,
      status: "pending",
    };
    return {
      content: `${content} (proposal ${proposal.id})`,
      isError: false,
      outcome: "proposed",
      kind: tool.kind,
      proposal,
      readUntrusted: false,
    };
  };

  if (tool.kind === "destructive") {
    return propose(
      "destructive",
      ctx.reason,
      `${tool.name} is destructive: it was not run; it was proposed for approval`,
    );
  }

  if (tool.kind === "write") {
    const recorded = await ctx.effects.find(key);
    if (recorded !== undefined) {
      return {
        content: asUntrustedToolOutput(tool.name, recorded),
        isError: false,
        outcome: "replayed",
        kind: tool.kind,
        readUntrusted: false,
      };
    }
    const verdict =
      tool.confirm === undefined ? { decision: "allow" as const } : await tool.confirm(args.data, toolCtx);
    if (verdict.decision === "deny")
      return error(`${tool.name} was denied by policy: ${verdict.reason}`, "denied", tool.kind);
    if (verdict.decision === "require_approval") {
      const reason = `${verdict.reason}${ctx.reason ? ` — model: ${ctx.reason}` : ""}`;
      return propose("write", reason, `${tool.name} needs approval (${verdict.reason}); it was not run`);
    }
  }

  let raw: unknown;
  try {
    raw = await tool.run(args.data, toolCtx);
  } catch (err) {
    return error(`${tool.name} failed: ${trimTo(errorMessage(err), 500)}`, "error", tool.kind);
  }
  const output = tool.output.safeParse(raw);
  if (!output.success) {
    return error(
      `${tool.name} returned output that breaks its schema: ${describeIssues(toValidationIssues(output.error))}`,
      "error",
      tool.kind,
    );
  }
  const body = trimTo(JSON.stringify(output.data) ?? "null", ctx.maxOutputChars);
  // Recorded before the model sees it: a redelivered subtask replays this instead of acting again.
  if (tool.kind === "write") await ctx.effects.record(key, body);
  return {
    content: asUntrustedToolOutput(tool.name, body),
    isError: false,
    outcome: "ok",
    kind: tool.kind,
    readUntrusted: tool.kind === "read",
  };
}
