// Who may say what on the events stream: the subject's source token is the publisher's identity (the server pins
// it); an event's body is whatever that publisher wrote, so readers believe an event only from the service it is
// about.
import { StepEvent, wireNames } from "@switchyard/contracts";

/** A step event as read from the events stream, with the source token of the subject it was published on. */
export type PublishedEvent = { publisher: string; event: unknown };

/** Pairs the values read from the events stream with the publishers their subjects name. */
export function publishedEvents(values: readonly unknown[], subjects: readonly string[]): PublishedEvent[] {
  return values.map((event, i) => ({ publisher: subjects[i]?.split(".").at(-1) ?? "", event }));
}

// Source tokens do not depend on the deployment's prefix.
const { sources } = wireNames();

/**
 * Whether `publisher` is the service that emits events like `event`: what an agent did only from that agent, what
 * the executor did only from the executor, the goal's course only from the coordinator (also the planner's model
 * calls). Any service reports the messages it rejected. Any agent may publish events in its own name for any goal;
 * without this check it could write another agent's steps, a goal for a user, or a plan into a goal's history.
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

/** What an agent says about one run of a subtask. */
type AgentRun = Extract<StepEvent, { type: "subtask.started" | "subtask.finished" | "subtask.replayed" }>;

const isAgentRun = (e: StepEvent): e is AgentRun =>
  e.type === "subtask.started" || e.type === "subtask.finished" || e.type === "subtask.replayed";

/**
 * The events that parse and that their publisher may say ({@link saidByItsService}), in order; the rest are counted
 * as `refused`. An agent's word on a run (`subtask.started`, `subtask.replayed`, `subtask.finished`) also needs the
 * coordinator's dispatch of that attempt to that agent, when the goal's history is in view (its `goal.accepted`
 * among the events): otherwise an agent could add runs to any goal it once worked on.
 */
export function believedEvents(events: readonly PublishedEvent[]): { events: StepEvent[]; refused: number } {
  const parsed = events.flatMap(({ publisher, event }) => {
    const e = StepEvent.safeParse(event);
    return e.success ? [{ publisher, event: e.data }] : [];
  });
  const inView = new Set<string>();
  // `<goal>/<subtask>/<agent>/<attempt>`, and `<goal>/<subtask>/<agent>/` for events that name no attempt.
  const dispatches = new Set<string>();
  for (const { publisher, event: e } of parsed) {
    if (publisher !== sources.coordinator) continue;
    if (e.type === "goal.accepted") inView.add(e.goalId);
    if (e.type === "subtask.dispatched") {
      dispatches
        .add(`${e.goalId}/${e.subtaskId}/${e.agent}/${e.attempt}`)
        .add(`${e.goalId}/${e.subtaskId}/${e.agent}/`);
    }
  }
  const wasDispatched = (e: AgentRun) =>
    !inView.has(e.goalId) ||
    dispatches.has(`${e.goalId}/${e.subtaskId}/${e.agent}/${"attempt" in e ? (e.attempt ?? "") : ""}`);
  const believed: StepEvent[] = [];
  let refused = 0;
  for (const { publisher, event: e } of parsed) {
    if (saidByItsService(publisher, e) && (!isAgentRun(e) || wasDispatched(e))) {
      believed.push(e);
    } else {
      refused++;
    }
  }
  return { events: believed, refused };
}
