import { wireNames, type ActionProposal, type ToolKind } from "@switchyard/contracts";
import {
  argsHashOf,
  describeIssues,
  effectKeyOf,
  errorMessage,
  proposalIdOf,
  toValidationIssues,
  type Logger,
} from "@switchyard/infra";
import type { ToolDefinition } from "../define-tool.ts";
import type { EffectEntry, EffectsLedger } from "../effects-ledger.ts";
import type { ToolCall } from "../model/types.ts";
import { asUntrustedToolOutput, trimTo } from "./untrusted.ts";
import type { RunJournal } from "../run-journal.ts";

/** What happened to one tool call, and what goes back to the model. */
export type ToolCallOutcome = {
  /** The tool-result content for the model. */
  content: string;
  isError: boolean;
  outcome: "ok" | "error" | "invalid" | "replayed" | "denied" | "proposed";
  kind: ToolKind | undefined;
  /** Set when the call became an action proposal: the run pauses for approval. */
  proposal?: ActionProposal;
  /**
   * True when the model read a tool's output: outside data, whatever the tool's kind (a write's reply, such as an
   * email API's or a CRM's record, can carry text as well as a read's can).
   */
  readUntrusted: boolean;
  /** The output of a read tool that ran: the entities it names become known to the run. */
  output?: unknown;
  /** Taken from the run's journal: the tool did not run again. */
  fromJournal?: boolean;
};

/**
 * A read tool's call through the run's journal: a resumed run gets the result recorded the first time, without
 * reading again (what the model decided next was based on that result); otherwise it runs and is recorded.
 */
export async function replayableRead(
  journal: RunJournal,
  toolCallId: string,
  execute: () => Promise<ToolCallOutcome>,
): Promise<ToolCallOutcome> {
  let ran: ToolCallOutcome | undefined;
  const r = await journal.read(toolCallId, async () => {
    ran = await execute();
    const outcome = ran.outcome === "ok" || ran.outcome === "error" ? ran.outcome : "invalid";
    return { content: ran.content, isError: ran.isError, outcome, output: ran.output };
  });
  if (ran !== undefined && !r.replayed) return ran;
  return {
    content: r.content,
    isError: r.isError,
    outcome: r.outcome,
    kind: "read",
    readUntrusted: r.outcome === "ok",
    output: r.output,
    fromJournal: true,
  };
}

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
  /**
   * Why write tools need approval in this run, if they do: the task input holds untrusted outside text, or the run
   * has read untrusted tool output (either may carry an injected instruction). `undefined`: the run is clean.
   */
  taint: string | undefined;
  /** Values the run knows from its trusted input and from what read tools returned: the entities it may act on. */
  knownEntities: ReadonlySet<string>;
  /** Effect keys of write calls a person approved for this subtask. */
  approvedEffects: string[];
};

/** Key names do not depend on the prefix (they live inside the buckets). */
const NAMES = wireNames();

/** The effect idempotency key of a call of `agent`: `agent.<agent>.effect.<goalId>.<subtaskId>.<tool>.<argsHash>`. */
export function effectKey(agent: string, goalId: string, subtaskId: string, tool: string, args: unknown): string {
  return effectKeyOf(NAMES, { agent, goalId, subtaskId, tool, args });
}

/** A write call's named entities (the tool's `entities` paths) that the run does not know, as `path=value`. */
function unknownEntities(tool: ToolDefinition, args: unknown, known: ReadonlySet<string>): string[] {
  return (tool.entities ?? []).flatMap((path) => {
    const value = path
      .split(".")
      .reduce<unknown>(
        (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
        args,
      );
    return (typeof value === "string" || typeof value === "number") && known.has(String(value))
      ? []
      : [`${path}=${JSON.stringify(value)}`];
  });
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
  const key = effectKey(ctx.agent, ctx.goalId, ctx.subtaskId, tool.name, args.data);
  const toolCtx = {
    goalId: ctx.goalId,
    subtaskId: ctx.subtaskId,
    effectKey: key,
    signal: ctx.signal,
    logger: ctx.logger,
  };

  const propose = (kind: "write" | "destructive", reason: string, content: string): ToolCallOutcome => {
    const proposal: ActionProposal = {
      id: proposalIdOf(key),
      goalId: ctx.goalId,
      subtaskId: ctx.subtaskId,
      agent: ctx.agent,
      tool: tool.name,
      args: args.data,
      argsHash: argsHashOf(args.data),
      effectKey: key,
      reason: trimTo(reason, 4_000),
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
    if (recorded !== undefined) return replay(recorded);
    // A person approved exactly this call (same effect key): it runs without asking again.
    const approved = ctx.approvedEffects.includes(key);
    const verdict =
      approved || tool.confirm === undefined
        ? ALLOW
        : await untilAborted(Promise.resolve(tool.confirm(args.data, toolCtx)), ctx.signal);
    if (verdict.decision === "deny")
      return error(`${tool.name} was denied by policy: ${verdict.reason}`, "denied", tool.kind);
    // Taint: after untrusted text entered the run, a write may be the injected instruction talking. And a write on an
    // entity the run never saw (not in its trusted input, not returned by a read tool) is a guess or an injection.
    const strangers = approved ? [] : unknownEntities(tool, args.data, ctx.knownEntities);
    const why =
      verdict.decision === "require_approval"
        ? verdict.reason
        : approved
          ? undefined
          : (ctx.taint ??
            (strangers.length > 0
              ? `it names ${strangers.join(", ")}, which is neither in the task's trusted input nor returned by a read tool`
              : undefined));
    if (why !== undefined) {
      return propose(
        "write",
        `${why}${ctx.reason ? ` — model: ${ctx.reason}` : ""}`,
        `${tool.name} needs approval (${why}); it was not run`,
      );
    }
    const claim = await ctx.effects.claim(key);
    if (!claim.claimed) return replay(claim.entry);
  }

  let raw: unknown;
  try {
    raw = await untilAborted(tool.run(args.data, toolCtx), ctx.signal);
  } catch (err) {
    const message = `${tool.name} failed: ${trimTo(errorMessage(err), 500)}`;
    if (tool.kind === "write") await ctx.effects.settle(key, { error: message });
    return error(message, "error", tool.kind);
  }
  const output = tool.output.safeParse(raw);
  if (!output.success) {
    const message = `${tool.name} returned output that breaks its schema: ${describeIssues(toValidationIssues(output.error))}`;
    // The effect may have happened anyway: recorded, so a retry does not run it again.
    if (tool.kind === "write") await ctx.effects.settle(key, { error: message });
    return error(message, "error", tool.kind);
  }
  const body = trimTo(JSON.stringify(output.data) ?? "null", ctx.maxOutputChars);
  // Recorded before the model sees it: a redelivered subtask replays this instead of acting again.
  if (tool.kind === "write") await ctx.effects.settle(key, { result: body });
  return {
    content: asUntrustedToolOutput(tool.name, body),
    isError: false,
    outcome: "ok",
    kind: tool.kind,
    readUntrusted: true,
    output: tool.kind === "read" ? output.data : undefined,
  };

  /** The outcome of an earlier run of the same call, instead of running it again. */
  function replay(entry: EffectEntry): ToolCallOutcome {
    if (entry.state === "done") {
      return {
        content: asUntrustedToolOutput(tool?.name ?? "", entry.result),
        isError: false,
        outcome: "replayed",
        kind: "write",
        readUntrusted: true,
      };
    }
    if (entry.state === "failed") return error(`${entry.error} (recorded earlier; not run again)`, "replayed", "write");
    return propose(
      "write",
      "an earlier attempt of this exact call stopped before its outcome was recorded: it may have taken effect",
      `${tool?.name ?? ""} may already have run; it was not run again and needs a person to decide`,
    );
  }
}

const ALLOW = { decision: "allow" } as const;

/** Resolves or rejects like `promise`, but rejects as soon as `signal` aborts: a tool that ignores its signal cannot hold the run. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("aborted before it started"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("aborted (deadline or cancellation)"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
