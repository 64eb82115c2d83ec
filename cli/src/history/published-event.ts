// The step events a reader believes: each from the service it is about (`saidByItsService`, in the contracts), and an
// agent's word on a run only with the coordinator's dispatch of it.
import { saidByItsService, StepEvent, wireNames } from "@switchyard/contracts";

/** A step event as read from the events stream, with the source token of the subject it was published on. */
export type PublishedEvent = { publisher: string; event: unknown };

/** Pairs the values read from the events stream with the publishers their subjects name. */
export function publishedEvents(values: readonly unknown[], subjects: readonly string[]): PublishedEvent[] {
  return values.map((event, i) => ({ publisher: subjects[i]?.split(".").at(-1) ?? "", event }));
}

// Source tokens do not depend on the deployment's prefix.
const { sources } = wireNames();

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
