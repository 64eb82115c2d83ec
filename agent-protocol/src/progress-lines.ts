// A goal's step events as the short progress lines a protocol caller reads in its response stream: what a person
// watching would want to know (plan, each subtask's start and end, tool calls, proposals), worded like `switchyard
// goal` prints them; bookkeeping events give no line.
import type { StepEvent } from "@switchyard/contracts";

const MAX_LINE = 200;

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/** One line for `event`, or `undefined` when it says nothing a caller needs. */
export function progressLine(event: StepEvent): string | undefined {
  switch (event.type) {
    case "goal.accepted":
      return `accepted: plan ${event.plan}`;
    case "plan.created":
      return clip(`plan: ${event.plan.subtasks.map((s) => `${s.id} → ${s.agent}`).join(", ")}`);
    case "subtask.started":
      return `${event.subtaskId}: started (${event.agent}${event.attempt > 1 ? `, attempt ${event.attempt}` : ""})`;
    case "model.call":
      return `${event.subtaskId}: model step ${event.step} (${event.model})${event.error === undefined ? "" : ` failed: ${clip(event.error)}`}`;
    case "tool.call":
      return `${event.subtaskId}: ${event.tool} → ${event.outcome}`;
    case "limit.hit":
      return `${event.subtaskId}: hit ${event.limit}`;
    case "proposal.created":
      return `${event.subtaskId}: proposes ${event.proposal.tool} (${event.proposal.kind}, ${event.proposal.id})`;
    case "proposal.decided":
      return `${event.subtaskId}: ${event.tool} ${event.status} by ${event.decidedBy}`;
    case "action.finished":
      return `${event.subtaskId}: ${event.tool} ${event.status}${event.error === undefined ? "" : `: ${clip(event.error)}`}`;
    case "subtask.finished": {
      const failure = event.failure === undefined ? "" : ` (${event.failure.kind}: ${event.failure.message})`;
      return clip(`${event.subtaskId}: finished ${event.status}${failure} in ${event.usage.ms} ms`);
    }
    case "goal.resumed":
      return `resumed: ${event.subtaskIds.join(", ")} (by ${event.answeredBy})`;
    case "goal.cancelled":
      return clip(`cancelled by ${event.requestedBy}: ${event.reason}`);
    default:
      return undefined;
  }
}
