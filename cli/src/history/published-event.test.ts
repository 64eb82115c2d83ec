import { describe, expect, it } from "vitest";
import { approvedGoalEvents, ev, published } from "./fixture-events.test-helpers.ts";
import { believedEvents } from "./published-event.ts";

const typesOf = (events: readonly { type: string }[]) => events.map((e) => e.type);

describe("believedEvents", () => {
  it("believes each event of an approved goal from the service it is about", () => {
    const events = approvedGoalEvents();
    const believed = believedEvents(published(events));
    expect(believed.refused).toBe(0);
    expect(typesOf(believed.events)).toContain("action.finished");
    expect(typesOf(believed.events)).toContain("goal.resumed");
    expect(believed.events).toHaveLength(events.length);
  });

  it("believes the executor's run only from the executor, and the goal's course only from the coordinator", () => {
    const run = approvedGoalEvents().filter((e) => (e as { type: string }).type === "action.finished");
    const cancelled = ev(1, { type: "goal.cancelled", goalId: "g5", requestedBy: "tenant:acme", reason: "r" });
    expect(believedEvents(published(run, "coordinator"))).toMatchObject({ events: [], refused: 1 });
    expect(believedEvents(published(run, "agent-refunds"))).toMatchObject({ events: [], refused: 1 });
    expect(believedEvents(published([cancelled], "executor"))).toMatchObject({ events: [], refused: 1 });
    expect(believedEvents(published([cancelled], "agent-refunds"))).toMatchObject({ events: [], refused: 1 });
    expect(typesOf(believedEvents(published([...run, cancelled])).events)).toEqual([
      "action.finished",
      "goal.cancelled",
    ]);
  });
});
