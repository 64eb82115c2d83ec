import type { Plan } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { exampleInput, inputHint, missingGoalInput } from "./input-hint.ts";

// The shape of the support template: two subtasks read ids from the goal's input.
const support: Plan = {
  subtasks: [
    { id: "classify", agent: "classifier", input: { ticket: "$goal.text" }, dependsOn: [] },
    {
      id: "research",
      agent: "researcher",
      input: { question: "$goal.text", customerId: "$goal.input.customerId", orderId: "$goal.input.orderId" },
      dependsOn: ["classify"],
    },
    {
      id: "refund",
      agent: "refunds",
      input: { orderId: "$goal.input.orderId", notes: ["$goal.input.customer.note", "$$goal.input.literal"] },
      dependsOn: ["classify"],
    },
  ],
};

describe("missingGoalInput", () => {
  it("names every goal input field the plan reads that the goal lacks, once, in plan order", () => {
    expect(missingGoalInput(support, undefined)).toEqual(["customerId", "orderId", "customer.note"]);
    expect(missingGoalInput(support, { orderId: "A-1001", customer: { note: "vip" } })).toEqual(["customerId"]);
    expect(missingGoalInput(support, { orderId: "A-1", customerId: "C-1", customer: { note: "" } })).toEqual([]);
  });
});

describe("inputHint", () => {
  it("says which --input the plan needs, as JSON to fill in", () => {
    expect(exampleInput(["orderId", "customer.note"])).toBe('{"orderId": "…", "customer": {"note": "…"}}');
    expect(inputHint("support", ["orderId"])).toBe(
      `plan "support" reads orderId from the goal's input, which the goal did not have: ` +
        `submit it with --input '{"orderId": "…"}'`,
    );
  });
});
