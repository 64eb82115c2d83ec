// Who may say what on the events stream: the subject's last token is the publisher's identity (the server pins it),
// the body is whatever that publisher wrote. The bridge relays an event only from the service it is about, the rule
// `switchyard trace` follows, so an agent cannot put words in the coordinator's mouth on a caller's stream.
import { wireNames, type StepEvent } from "@switchyard/contracts";

// Source tokens do not depend on the deployment's prefix.
const { sources } = wireNames();

/** Whether `publisher` (the source token of the event's subject) is the service that emits events like `event`. */
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
