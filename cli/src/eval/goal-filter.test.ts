import { describe, expect, it } from "vitest";
import { ev, usage } from "../history/fixture-events.test-helpers.ts";
import { goalsMatching } from "./goal-filter.ts";

const goal = (id: string, plan: string, status: "ok" | "failed" | undefined, t: number) => [
  { publisher: "coordinator", event: ev(t, { type: "goal.accepted", goalId: id, tenant: "acme", user: "ana", plan }) },
  ...(status === undefined
    ? []
    : [
        { publisher: "coordinator", event: ev(t + 1, { type: "goal.finished", goalId: id, status, usage: usage({}) }) },
      ]),
];

describe("goalsMatching", () => {
  const events = [
    ...goal("g1", "demo", "ok", 0),
    ...goal("g2", "support", "failed", 10),
    ...goal("g3", "demo", "failed", 20),
    ...goal("g4", "demo", undefined, 30), // still running
    ...goal("g5", "demo", "ok", 40),
    // An agent saying a goal finished is not believed.
    {
      publisher: "agent-keywords",
      event: ev(50, { type: "goal.finished", goalId: "g9", status: "ok", usage: usage({}) }),
    },
  ];

  it("finds finished goals by plan and status, oldest first", () => {
    expect(goalsMatching(events, { plan: "demo", limit: 10 })).toEqual(["g1", "g3", "g5"]);
    expect(goalsMatching(events, { status: "failed", limit: 10 })).toEqual(["g2", "g3"]);
    expect(goalsMatching(events, { plan: "demo", status: "ok", limit: 10 })).toEqual(["g1", "g5"]);
  });

  it("keeps the latest `limit`, and finds nothing it should not", () => {
    expect(goalsMatching(events, { limit: 2 })).toEqual(["g3", "g5"]);
    expect(goalsMatching(events, { plan: "llm", limit: 10 })).toEqual([]);
    expect(goalsMatching(events, { limit: 0 })).toEqual([]);
  });
});
