// Who may say what on the events stream: the subject's source token is the publisher's identity (the server pins
// it); an event's body is whatever that publisher wrote, so every reader believes an event only from the service it
// is about.
import { wireNames } from "./names.ts";
import type { StepEvent } from "./step-event.ts";

// Source tokens do not depend on the deployment's prefix.
const { sources } = wireNames();

/**
 * Whether `publisher` (the source token of the event's subject) is the service that emits events like `event`: what
 * an agent did only from that agent, what the executor did only from the executor, the goal's course only from the
 * coordinator (also the planner's model calls). Any service reports the messages it rejected. Any agent may publish
 * events in its own name for any goal; without this check it could write another agent's steps, a goal for a user,
 * or a plan into a goal's history.
 */
export function saidByItsService(publisher: string, event: StepEvent): boolean {
  switch (event.type) {
    case "message.rejected":
      return true;
    case "action.finished":
      return publisher === sources.executor;
    case "model.call":
      return publisher === sources.agent(event.agent) || publisher === sources.coordinator;
    case "subtask.started":
    case "subtask.replayed":
    case "subtask.finished":
    case "tool.call":
    case "context.summarized":
    case "checkpoint":
    case "limit.hit":
    case "proposal.created":
      return publisher === sources.agent(event.agent);
    default:
      return publisher === sources.coordinator;
  }
}
