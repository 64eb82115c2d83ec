import { describe, expect, it } from "vitest";
import { started, toolCall } from "./fixture-events.test-helpers.ts";
import { matchTrajectory, trajectoriesOf } from "./trajectory.ts";

describe("trajectoriesOf", () => {
  it("lists each subtask's tool calls in event order, without final_answer", () => {
    const events = [
      started("research"),
      toolCall("research", 0, "search_kb"),
      started("refund"),
      toolCall("refund", 0, "get_order"),
      toolCall("research", 0, "get_order"),
      toolCall("research", 1, "final_answer"),
      toolCall("refund", 1, "issue_refund", { kind: "write", outcome: "proposed" }),
      started("classify"),
    ];
    expect(trajectoriesOf(events)).toEqual({
      research: ["search_kb", "get_order"],
      refund: ["get_order", "issue_refund"],
      classify: [],
    });
  });

  it("counts a call a resumed run replays from its journal once", () => {
    const events = [
      started("refund", 1),
      toolCall("refund", 0, "get_order", { args: '{"orderId":"A-1"}' }),
      started("refund", 2),
      toolCall("refund", 0, "get_order", { args: '{"orderId":"A-1"}', outcome: "replayed" }),
      toolCall("refund", 1, "issue_refund", { kind: "write" }),
    ];
    expect(trajectoriesOf(events)).toEqual({ refund: ["get_order", "issue_refund"] });
  });
});

describe("matchTrajectory", () => {
  const ref = ["search_kb", "get_order", "get_customer"];
  it.each([
    ["strict", ref, 1],
    ["strict", ["search_kb", "get_customer", "get_order"], 1 / 3],
    ["strict", ["search_kb", "get_order"], 2 / 3],
    ["unordered", ["get_customer", "search_kb", "get_order"], 1],
    ["unordered", ["get_customer", "search_kb"], 2 / 3],
    ["unordered", [...ref, "get_order"], 3 / 4],
    ["subset", ["search_kb"], 1],
    ["subset", [], 1],
    ["subset", ["search_kb", "send_email"], 1 / 2],
    ["superset", [...ref, "send_email"], 1],
    ["superset", ["get_order"], 1 / 3],
  ] as const)("%s: %j scores %d", (mode, observed, score) => {
    const m = matchTrajectory(mode, ref, observed);
    expect(m.score).toBeCloseTo(score);
    if (score < 1) expect(m.reason).toContain("expected search_kb → get_order → get_customer");
  });

  it("strict names where the paths part", () => {
    expect(matchTrajectory("strict", ref, ["search_kb", "get_customer"]).reason).toMatch(/^differs at call 2:/);
  });

  it("counts repeated calls as a multiset", () => {
    expect(matchTrajectory("unordered", ["a", "a"], ["a"]).score).toBe(0.5);
    expect(matchTrajectory("superset", ["a", "a"], ["a", "b"]).reason).toMatch(/missing a/);
  });
});
