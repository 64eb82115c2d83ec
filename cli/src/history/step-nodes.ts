// One tree node per step event of a subtask (and per goal-level notice). Pure: no I/O, no clock.
import type { StepEvent } from "@switchyard/contracts";
import type { TraceNode } from "./trace-node.ts";

type Of<T extends StepEvent["type"]> = Extract<StepEvent, { type: T }>;

/** How long a `detail` may get before it is cut (the JSON keeps the same cut text: it is a preview). */
export const DETAIL_MAX = 120;

/** `text` on one line (whitespace runs become one space), cut to `max` characters with an ellipsis. */
export function clip(text: string, max = DETAIL_MAX): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The first non-empty line of `text`, clipped; undefined when there is none. */
export function firstLine(text: string, max = DETAIL_MAX): string | undefined {
  const line = text.split("\n").find((l) => l.trim() !== "");
  return line === undefined ? undefined : clip(line, max);
}

/** A model call: its step (or `summary`), model and the tools it asked for; the detail is what it said. */
export function modelCallNode(e: Of<"model.call">): TraceNode {
  const what = e.purpose === "summary" ? "summary" : `step ${e.step}`;
  const tools = e.toolCalls.length > 0 ? ` → ${clip(e.toolCalls.join(", "), 60)}` : "";
  return {
    type: e.type,
    label: `model ${what} ${e.model}${tools}`,
    status: e.error === undefined ? "ok" : "error",
    tokens: e.inputTokens + e.outputTokens,
    costUsd: e.costUsd,
    ms: e.ms,
    at: e.at,
    detail: e.error !== undefined ? clip(e.error) : firstLine(e.text),
    children: [],
  };
}

/** A tool call: the detail previews its arguments, and what came back when it did not succeed. */
export function toolCallNode(e: Of<"tool.call">): TraceNode {
  const failed = e.outcome === "error" || e.outcome === "invalid" || e.outcome === "denied";
  return {
    type: e.type,
    label: `tool ${e.tool}${e.kind === undefined ? "" : ` (${e.kind})`}`,
    status: e.outcome,
    ms: e.ms,
    at: e.at,
    detail: failed ? clip(`${clip(e.args, 60)} ⇒ ${e.result}`) : clip(e.args),
    children: [],
  };
}

/** A final-answer checkpoint: how much the agent says it established, assumed and does not know. */
export function checkpointNode(e: Of<"checkpoint">): TraceNode {
  const a = e.assessment;
  const counts = `${a.established.length} established, ${a.assumed.length} assumed, ${a.unknown.length} unknown`;
  return {
    type: e.type,
    label: `checkpoint at step ${e.step}`,
    status: e.critical.length > 0 ? "needs_input" : "ok",
    at: e.at,
    detail: e.critical.length > 0 ? clip(`${counts}; critical: ${e.critical.join("; ")}`) : counts,
    children: [],
  };
}

/** A budget limit that stopped the run, with what had been used by then. */
export function limitHitNode(e: Of<"limit.hit">): TraceNode {
  return {
    type: e.type,
    label: `limit hit: ${e.limit}`,
    status: e.limit,
    tokens: e.usage.inputTokens + e.usage.outputTokens,
    costUsd: e.usage.costUsd,
    ms: e.usage.ms,
    at: e.at,
    detail: `after ${e.usage.steps} step(s)`,
    children: [],
  };
}

/** An action the agent proposed instead of running it. */
export function proposalNode(e: Of<"proposal.created">): TraceNode {
  const p = e.proposal;
  return {
    type: e.type,
    label: `proposal ${p.tool} (${p.kind})`,
    status: p.status,
    at: e.at,
    detail: clip(`${p.id}: ${p.reason}`),
    children: [],
  };
}

/** A decision on a proposal: a person's, a policy's, or its expiry. */
export function decidedNode(e: Of<"proposal.decided">): TraceNode {
  return {
    type: e.type,
    label: `${e.status} by ${e.decidedBy}`,
    status: e.status,
    at: e.at,
    detail: clip(e.reason),
    children: [],
  };
}

/** The executor's run of an approved action. */
export function actionNode(e: Of<"action.finished">): TraceNode {
  return {
    type: e.type,
    label: `executor ran ${e.tool}`,
    status: e.status,
    at: e.at,
    detail: e.error === undefined ? undefined : clip(e.error),
    children: [],
  };
}

/** The goal stopped to wait for a person: what it waits for. */
export function pausedNode(e: Of<"goal.paused">): TraceNode {
  const waits =
    e.status === "needs_approval"
      ? `approval of ${e.pendingApprovals.join(", ") || "a proposal"}`
      : e.status === "needs_review"
        ? "a review of a held output"
        : `input: ${e.questions.join("; ") || "an answer"}`;
  const labels = {
    needs_approval: "paused for an approval",
    needs_review: "paused for a review",
    needs_input: "paused for input",
  };
  return {
    type: e.type,
    label: labels[e.status],
    status: e.status,
    at: e.at,
    detail: clip(`waiting for ${waits}`),
    children: [],
  };
}

/** The goal went on after a pause: who let it, and what runs again. */
export function resumedNode(e: Of<"goal.resumed">): TraceNode {
  return {
    type: e.type,
    label: `resumed by ${e.answeredBy}`,
    at: e.at,
    detail: clip(
      e.proposalId === undefined
        ? `answer for ${e.subtaskIds.join(", ")}`
        : `proposal ${e.proposalId} of ${e.subtaskIds.join(", ")}`,
    ),
    children: [],
  };
}

/** A cancel request that ended the goal. */
export function cancelledNode(e: Of<"goal.cancelled">): TraceNode {
  return {
    type: e.type,
    label: `cancelled by ${e.requestedBy}`,
    status: "cancelled",
    at: e.at,
    detail: clip(e.reason),
    children: [],
  };
}

/** The conversation was summarized to fit the context window. */
export function summarizedNode(e: Of<"context.summarized">): TraceNode {
  return {
    type: e.type,
    label: `context summarized at step ${e.step}`,
    at: e.at,
    detail: `${e.messagesBefore} → ${e.messagesAfter} messages`,
    children: [],
  };
}

/** A second submission of the goal, or of another goal with the same idempotency key. */
export function duplicateNode(e: Of<"goal.duplicate">): TraceNode {
  const of = e.originalGoalId === e.goalId ? "submitted again" : `duplicate of goal ${e.originalGoalId}`;
  return {
    type: e.type,
    label: of,
    status: "duplicate",
    at: e.at,
    detail: `idempotency key ${e.idempotencyKey}`,
    children: [],
  };
}

/** A message about this goal that broke the contract. */
export function rejectedNode(e: Of<"message.rejected">): TraceNode {
  return {
    type: e.type,
    label: `message rejected on ${e.subject}`,
    status: "rejected",
    at: e.at,
    detail: clip(e.reason),
    children: [],
  };
}

/** An event this CLI does not know (a newer version's, or one that no longer parses): shown by its type. */
export function unknownNode(raw: Record<string, unknown>): TraceNode {
  const type = typeof raw["type"] === "string" && raw["type"] !== "" ? raw["type"] : "(untyped event)";
  const step = typeof raw["step"] === "number" ? ` at step ${raw["step"]}` : "";
  return {
    type,
    label: `${type}${step}`,
    at: typeof raw["at"] === "string" ? raw["at"] : undefined,
    children: [],
  };
}
