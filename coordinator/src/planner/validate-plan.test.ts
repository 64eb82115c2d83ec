import { Goal, MAX_PLAN_SUBTASKS, WIRE_VERSION, type AgentCard } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { describePlanErrors, validatePlan, type PlanError } from "./validate-plan.ts";

const card = (name: string, input: z.ZodType): AgentCard => ({
  name,
  version: "1.0.0",
  description: `The ${name} agent.`,
  kind: "handler",
  input: z.toJSONSchema(input, { io: "input" }),
  output: {},
  tools: [],
  defaultBudget: {},
});
const CATALOG = [
  card("keywords", z.object({ text: z.string().min(1), top: z.int().min(1).max(50).default(5) })),
  card(
    "report",
    z.object({ text: z.string().min(1), keywords: z.array(z.object({ term: z.string(), count: z.int() })) }),
  ),
  card("lookup", z.object({ orderId: z.string().min(1), note: z.string().optional() }).strict()),
];
const goal = Goal.parse({
  v: WIRE_VERSION,
  id: "g1",
  tenant: "acme",
  user: "ana",
  text: "Agents need budgets.",
  input: { orderId: "A-1" },
});
const demo = {
  subtasks: [
    { id: "kw", agent: "keywords", input: { text: "$goal.text" } },
    { id: "rep", agent: "report", input: { text: "$goal.text", keywords: "$upstream.kw.keywords" }, dependsOn: ["kw"] },
  ],
  output: "rep",
};

function errorsOf(candidate: unknown, maxSubtasks?: number): PlanError[] {
  const r = validatePlan(candidate, { catalog: CATALOG, goal, maxSubtasks });
  return r.ok ? [] : r.errors;
}

describe("validatePlan", () => {
  it("accepts a valid plan, with $goal references resolved and $upstream ones left for dispatch", () => {
    const r = validatePlan(demo, { catalog: CATALOG, goal });
    expect(r).toMatchObject({
      ok: true,
      plan: { output: "rep", subtasks: [{ id: "kw", dependsOn: [] }, { id: "rep" }] },
    });
    expect(errorsOf({ subtasks: [{ id: "l", agent: "lookup", input: { orderId: "$goal.input.orderId" } }] })).toEqual(
      [],
    );
  });

  it("names an unknown agent and lists the available ones", () => {
    const errors = errorsOf({ subtasks: [{ id: "x", agent: "translator", input: {} }] });
    expect(errors).toEqual([
      { subtaskId: "x", field: "agent", message: 'unknown agent "translator"; available: keywords, lookup, report' },
    ]);
  });

  it("checks each input against its agent's input schema, naming the subtask and the field", () => {
    const errors = errorsOf({
      subtasks: [
        { id: "kw", agent: "keywords", input: { text: 42, top: 500 } },
        { id: "l", agent: "lookup", input: { orderId: "A-1", colour: "red" } },
        { id: "l2", agent: "lookup", input: { orderId: "$goal.input.customerId" } },
      ],
    });
    expect(describePlanErrors(errors)).toEqual([
      'subtask "kw" input.text: must be string',
      'subtask "kw" input.top: must be <= 50',
      'subtask "l" input: unknown field "colour"',
      "subtask \"l2\" input: must have required property 'orderId'",
    ]);
  });

  it("accepts an $upstream reference only to a subtask in dependsOn", () => {
    const errors = errorsOf({
      subtasks: [
        { id: "kw", agent: "keywords", input: { text: "$goal.text" } },
        { id: "rep", agent: "report", input: { text: "$goal.text", keywords: "$upstream.kw.keywords" } },
      ],
    });
    expect(errors).toEqual([
      {
        subtaskId: "rep",
        field: "input.keywords",
        message: '"$upstream.kw.keywords" refers to subtask "kw", which is not in dependsOn (empty)',
      },
    ]);
  });

  it("reports a cycle", () => {
    const errors = errorsOf({
      subtasks: [
        { id: "a", agent: "keywords", input: { text: "x" }, dependsOn: ["b"] },
        { id: "b", agent: "keywords", input: { text: "y" }, dependsOn: ["a"] },
      ],
    });
    expect(errors).toEqual([{ subtaskId: "a", field: "dependsOn", message: "cycle: a -> b -> a" }]);
  });

  it("reports a dependsOn that names no subtask, and still checks the rest", () => {
    const errors = errorsOf({
      subtasks: [
        { id: "kw", agent: "keywords", input: { text: "x" }, dependsOn: ["ghost"] },
        { id: "bad", agent: "nope", input: {} },
      ],
    });
    expect(describePlanErrors(errors)).toEqual([
      'subtask "kw" dependsOn.0: unknown subtask "ghost"',
      'subtask "bad" agent: unknown agent "nope"; available: keywords, lookup, report',
    ]);
  });

  it("reports a plan over the configured cap, and over the wire's hard cap", () => {
    const many = (n: number) => ({
      subtasks: Array.from({ length: n }, (_, i) => ({ id: `s${i}`, agent: "keywords", input: { text: "x" } })),
    });
    expect(errorsOf(many(4), 3)).toEqual([{ field: "subtasks", message: "4 subtasks; a plan may have at most 3" }]);
    expect(errorsOf(many(3), 3)).toEqual([]);
    expect(errorsOf(many(MAX_PLAN_SUBTASKS + 1), 1_000)).toEqual([
      { field: "subtasks", message: `${MAX_PLAN_SUBTASKS + 1} subtasks; a plan may have at most ${MAX_PLAN_SUBTASKS}` },
    ]);
  });

  it("reports a malformed plan by field", () => {
    expect(describePlanErrors(errorsOf({ steps: [] }))).toEqual([
      "subtasks: Invalid input: expected array, received undefined",
    ]);
    expect(describePlanErrors(errorsOf({ subtasks: [{ id: "a", agent: "Key Words", input: {} }] }))).toEqual([
      'subtask "a" agent: must be 1-64 characters of a-z 0-9 -, starting with a letter',
    ]);
  });
});
