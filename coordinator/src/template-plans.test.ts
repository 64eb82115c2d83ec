import { WIRE_VERSION, type Goal } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { findCycle } from "./dag.ts";
import { choosePlan } from "./intake.ts";
import { resolveTemplateInput } from "./template-input.ts";
import { BUILTIN_TEMPLATES, parseTemplateCatalog } from "./template-plans.ts";

const goal: Goal = {
  v: WIRE_VERSION,
  id: "g1",
  tenant: "acme",
  user: "ana",
  text: "hello",
  input: { customer: { id: "c7" } },
  budget: {},
};

describe("template input references", () => {
  it("resolves goal and upstream references at any depth, and keeps other strings", () => {
    const input = {
      text: "$goal.text",
      customer: "$goal.input.customer.id",
      answer: ["$upstream.research.answer", "plain"],
      nested: { all: "$upstream.research" },
      literal: "$$goal.text",
      missing: "$goal.input.nope",
    };
    const upstream = { research: { answer: 42 } };
    expect(resolveTemplateInput(input, { goal, upstream })).toEqual({
      text: "hello",
      customer: "c7",
      answer: [42, "plain"],
      nested: { all: { answer: 42 } },
      literal: "$goal.text",
      missing: undefined,
    });
  });
});

describe("template catalog", () => {
  it("has a demo template of two subtasks, the second depending on the first", () => {
    const demo = BUILTIN_TEMPLATES["demo"];
    expect(demo?.subtasks.map((s) => [s.id, s.dependsOn])).toEqual([
      ["keywords", []],
      ["report", ["keywords"]],
    ]);
  });

  it("rejects a template with a cycle, naming it", () => {
    const raw = {
      loop: {
        subtasks: [
          { id: "a", agent: "x", input: {}, dependsOn: ["b"] },
          { id: "b", agent: "x", input: {}, dependsOn: ["a"] },
        ],
      },
    };
    expect(() => parseTemplateCatalog(raw, "test")).toThrow(/template "loop" has a cycle: a -> b -> a/);
    expect(findCycle(BUILTIN_TEMPLATES["demo"] ?? { subtasks: [] })).toBeUndefined();
  });

  it("rejects a malformed template, naming the field", () => {
    expect(() =>
      parseTemplateCatalog({ x: { subtasks: [{ id: "a", agent: "Bad Name", input: {} }] } }, "file.json"),
    ).toThrow(/file\.json: x\.subtasks\.0\.agent/);
  });

  it("refuses an unknown plan, and the llm plan without a planner, with messages that list the templates", async () => {
    const deps = { templates: BUILTIN_TEMPLATES, defaultPlan: "demo" };
    expect(await choosePlan({ ...goal, plan: "nope" }, deps)).toEqual({
      failure: { kind: "bad_input", message: 'unknown plan "nope"; known templates: demo, support' },
    });
    expect(await choosePlan({ ...goal, plan: "llm" }, deps)).toMatchObject({ failure: { kind: "bad_input" } });
    expect(await choosePlan(goal, deps)).toMatchObject({ plan: { output: "report" } });
  });
});
