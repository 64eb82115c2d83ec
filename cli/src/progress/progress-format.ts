// The text of the live view: the goal's line, one line per subtask, and (in a pipe or a file) one line per event,
// worded like `switchyard trace` words the same steps.
import type { StepEvent } from "@switchyard/contracts";
import { describeNode, formatMs, formatUsd } from "../history/render-trace.ts";
import {
  actionNode,
  cancelledNode,
  checkpointNode,
  clip,
  decidedNode,
  duplicateNode,
  limitHitNode,
  modelCallNode,
  pausedNode,
  proposalNode,
  rejectedNode,
  resumedNode,
  summarizedNode,
  toolCallNode,
} from "../history/step-nodes.ts";
import type { TraceNode } from "../history/trace-node.ts";
import { toneOf, type Paint, type Tone } from "./colour.ts";
import { totals, type GoalProgress, type SubtaskProgress } from "./goal-progress.ts";

const MARK: Record<Tone, string> = { good: "✓", bad: "✗", waiting: "?", active: "…", dim: "·" };

/** `+1.234s`: time since the command submitted the goal. */
export function elapsed(ms: number): string {
  return `+${(Math.max(0, ms) / 1_000).toFixed(3)}s`;
}

function usage(tokens: number, costUsd: number, ms?: number): string {
  return [`${tokens} tok`, formatUsd(costUsd), ...(ms === undefined ? [] : [formatMs(ms)])].join(" · ");
}

/** `goal <id>: running · plan demo · 1/2 subtask(s) · 120 tok · $0.0010 · 1.2 s` */
export function goalLine(p: GoalProgress, elapsedMs: number, paint: Paint): string {
  const t = totals(p);
  const parts = [
    ...(p.plan === undefined ? [] : [`plan ${p.plan}`]),
    `${t.done}/${p.subtasks.length} subtask(s)`,
    usage(t.tokens, t.costUsd, elapsedMs),
  ];
  return `goal ${p.goalId}: ${paint(toneOf(p.state), p.state)} · ${parts.join(" · ")}`;
}

/** Column widths shared by the subtask lines, so they line up. */
export type Widths = { id: number; agent: number; state: number };

export function widthsOf(rows: readonly SubtaskProgress[]): Widths {
  return {
    id: Math.max(0, ...rows.map((r) => r.subtaskId.length)),
    agent: Math.max(0, ...rows.map((r) => r.agent.length)),
    state: Math.max(0, ...rows.map((r) => r.state.length)),
  };
}

/** `  ✓ research  researcher  ok       3002 tok · $0.0000 · 140 ms` (a running one shows its step). */
export function subtaskLine(r: SubtaskProgress, w: Widths, paint: Paint): string {
  const tone = toneOf(r.state);
  const started = r.state !== "pending" && r.state !== "dispatched";
  const step = r.step === undefined ? [] : [`step ${r.step}`];
  const attempt = r.attempt > 1 ? [`attempt ${r.attempt}`] : [];
  const what = started ? [...attempt, ...step, usage(r.tokens, r.costUsd, r.ms)].join(" · ") : attempt.join("");
  return `  ${paint(tone, MARK[tone])} ${r.subtaskId.padEnd(w.id)}  ${r.agent.padEnd(w.agent)}  ${paint(
    tone,
    r.state.padEnd(w.state),
  )}  ${what}`.trimEnd();
}

/** The trace's node for a step event, for the events the trace draws as nodes of their own. */
function stepNode(e: StepEvent): TraceNode | undefined {
  switch (e.type) {
    case "model.call":
      return modelCallNode(e);
    case "tool.call":
      return toolCallNode(e);
    case "checkpoint":
      return checkpointNode(e);
    case "context.summarized":
      return summarizedNode(e);
    case "limit.hit":
      return limitHitNode(e);
    case "proposal.created":
      return proposalNode(e);
    case "proposal.decided":
      return decidedNode(e);
    case "action.finished":
      return actionNode(e);
    case "goal.paused":
      return pausedNode(e);
    case "goal.resumed":
      return resumedNode(e);
    case "goal.cancelled":
      return cancelledNode(e);
    case "goal.duplicate":
      return duplicateNode(e);
    case "message.rejected":
      return rejectedNode(e);
    default:
      return undefined;
  }
}

/** What one event says, on one line: who it is about, then what happened. */
export function describeEvent(e: StepEvent): string {
  const node = stepNode(e);
  const about = "subtaskId" in e ? e.subtaskId : "goal";
  if (node !== undefined) return `${about}  ${describeNode(node)}`;
  switch (e.type) {
    case "goal.accepted":
      return `goal  accepted: plan ${e.plan} · user ${e.user} · tenant ${e.tenant}`;
    case "plan.created":
      return `goal  plan: ${clip(e.plan.subtasks.map((s) => `${s.id} → ${s.agent}`).join(", "))}`;
    case "subtask.dispatched":
      return `${e.subtaskId}  dispatched to ${e.agent} (attempt ${e.attempt})`;
    case "subtask.started":
      return `${e.subtaskId}  started @ ${e.instance} (attempt ${e.attempt})`;
    case "subtask.replayed":
      return `${e.subtaskId}  replayed its recorded result @ ${e.instance}: ${clip(e.reason)}`;
    case "subtask.finished": {
      const failure = e.failure === undefined ? "" : `  — ${e.failure.kind}: ${clip(e.failure.message)}`;
      const u = e.usage;
      return `${e.subtaskId}  finished ${e.status} · ${usage(u.inputTokens + u.outputTokens, u.costUsd, u.ms)}${failure}`;
    }
    case "goal.finished": {
      const u = e.usage;
      return `goal  finished ${e.status} · ${usage(u.inputTokens + u.outputTokens, u.costUsd, u.ms)}`;
    }
    default:
      return `${about}  ${e.type}`;
  }
}

/** The status to colour an event's line by: how things ended or were decided, and steps that went wrong. */
function statusOf(e: StepEvent): string | undefined {
  if (e.type === "subtask.finished" || e.type === "goal.finished" || e.type === "goal.paused") return e.status;
  const status = stepNode(e)?.status;
  if (e.type === "goal.cancelled" || e.type === "proposal.decided" || e.type === "action.finished") return status;
  // An ordinary step is left plain: colour would drown the lines that matter.
  return toneOf(status) === "bad" || toneOf(status) === "waiting" ? status : undefined;
}

/** `+0.140s  research  finished ok · 3002 tok · $0.0000 · 140 ms`, coloured by the status it reports. */
export function eventLine(e: StepEvent, elapsedMs: number, paint: Paint): string {
  const status = statusOf(e);
  const text = describeEvent(e);
  return `${paint("dim", elapsed(elapsedMs))}  ${status === undefined ? text : paint(toneOf(status), text)}`;
}
