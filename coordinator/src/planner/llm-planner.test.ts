import { Goal, WIRE_VERSION, type AgentCard } from "@switchyard/contracts";
import { createLogger } from "@switchyard/infra";
import { createScriptedProvider, resolveModel, type ResolvedModel, type ScriptedReply } from "@switchyard/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAgentCatalog } from "./agent-catalog.ts";
import { createLlmPlanner, type PlannerModelCall } from "./llm-planner.ts";
import { DEFAULT_PLANNER_MODEL } from "./offline-script.ts";
import { SUBMIT_PLAN } from "./planner-prompt.ts";

const logger = createLogger({ service: "test", level: "silent" });
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
const KEYWORDS = card("keywords", z.object({ text: z.string().min(1) }));
const REPORT = card("report", z.object({ text: z.string(), keywords: z.array(z.unknown()) }));
const goal = Goal.parse({ v: WIRE_VERSION, id: "g1", tenant: "acme", user: "ana", text: "Agents need budgets." });

const VALID = { subtasks: [{ id: "kw", agent: "keywords", input: { text: "$goal.text" } }] };
const UNKNOWN_AGENT = { subtasks: [{ id: "kw", agent: "keyword-finder", input: { text: "$goal.text" } }] };
const submit = (plan: unknown, tokens = { inputTokens: 100, outputTokens: 10 }): ScriptedReply => ({
  toolCalls: [{ name: SUBMIT_PLAN, args: plan }],
  usage: tokens,
});

/** A planner whose model replays `replies` in order, on a fixed catalog; records what the model was sent. */
function plannerWith(replies: Array<ScriptedReply | Error>, cards: AgentCard[] = [KEYWORDS, REPORT]) {
  const requests: unknown[] = [];
  const provider = createScriptedProvider("test-planner", {
    reply: ({ request, turn }) => {
      requests.push(structuredClone({ system: request.system, messages: request.messages, tools: request.tools }));
      const next = replies[turn];
      if (next === undefined || next instanceof Error) throw next ?? new Error("no more replies");
      return next;
    },
  });
  const model: ResolvedModel = {
    modelString: "scripted:test-planner",
    provider,
    model: "test-planner",
    price: { inputPerMTok: 1_000, outputPerMTok: 0 },
  };
  const catalog = createAgentCatalog({ fetch: async () => cards });
  return { planner: createLlmPlanner({ model, catalog, logger }), requests };
}

const request = () => ({ signal: AbortSignal.timeout(10_000) });

describe("the LLM planner", () => {
  it("sends the catalog and the goal in the user turn, the instructions alone in the system role", async () => {
    const { planner, requests } = plannerWith([submit(VALID)]);
    const out = await planner.plan(goal, request());
    expect(out).toMatchObject({ plan: VALID, attempts: [] });
    const [first] = requests as Array<{ system: string; messages: Array<{ content: string }>; tools: unknown[] }>;
    expect(first?.system).not.toContain("keywords");
    expect(first?.messages[0]?.content).toContain('"name":"keywords"');
    expect(first?.messages[0]?.content).toContain("Agents need budgets.");
    expect(first?.tools).toEqual([expect.objectContaining({ name: SUBMIT_PLAN })]);
  });

  it("sends the errors back as the tool result and takes the repaired plan, counting every call", async () => {
    const { planner, requests } = plannerWith([submit(UNKNOWN_AGENT), submit(VALID)]);
    const calls: PlannerModelCall[] = [];
    const out = await planner.plan(goal, { ...request(), onModelCall: async (c) => void calls.push(c) });
    expect(out).toMatchObject({ plan: VALID, usage: { steps: 2, inputTokens: 200, outputTokens: 20, costUsd: 0.2 } });
    expect(out.attempts).toEqual([[expect.stringContaining('unknown agent "keyword-finder"')]]);
    const second = requests[1] as { messages: Array<{ role: string; results?: Array<{ content: string }> }> };
    expect(second.messages.at(-1)).toMatchObject({ role: "tool" });
    expect(second.messages.at(-1)?.results?.[0]?.content).toContain('unknown agent "keyword-finder"');
    expect(calls.map((c) => [c.step, c.toolCalls, c.inputTokens])).toEqual([
      [1, [SUBMIT_PLAN], 100],
      [2, [SUBMIT_PLAN], 100],
    ]);
  });

  it("fails invalid_output with the last attempt's errors after maxRepairs repairs", async () => {
    const { planner, requests } = plannerWith([submit(UNKNOWN_AGENT), submit(UNKNOWN_AGENT), submit({})]);
    const out = await planner.plan(goal, request());
    expect(out).toMatchObject({ status: "failed", failure: { kind: "invalid_output" }, usage: { steps: 3 } });
    expect("failure" in out && out.failure.message).toMatch(/after 3 attempts: subtasks: Invalid input/);
    expect(out.attempts).toHaveLength(3);
    expect(requests).toHaveLength(3);
  });

  it("fails model_error when the model call fails", async () => {
    const { planner } = plannerWith([new Error("HTTP 500 from upstream")]);
    const out = await planner.plan(goal, request());
    expect(out).toMatchObject({ status: "failed", failure: { kind: "model_error" } });
    expect("failure" in out && out.failure.message).toContain("HTTP 500 from upstream");
  });

  it("stops at the goal's token budget instead of asking again", async () => {
    const { planner, requests } = plannerWith([submit(UNKNOWN_AGENT), submit(VALID)]);
    const out = await planner.plan(goal, { ...request(), budget: { maxTokens: 100 } });
    expect(out).toMatchObject({ status: "limit_tokens", failure: { kind: "invalid_output" }, usage: { steps: 1 } });
    expect(requests).toHaveLength(1);
  });
});

describe("the offline planner script", () => {
  const offline = (cards: AgentCard[]) =>
    createLlmPlanner({
      model: resolveModel(DEFAULT_PLANNER_MODEL, {}),
      catalog: createAgentCatalog({ fetch: async () => cards }),
      logger,
    });

  it("plans keywords then report when both agents run", async () => {
    const out = await offline([KEYWORDS, REPORT]).plan(goal, request());
    expect(out).toMatchObject({
      plan: { output: "report", subtasks: [{ agent: "keywords" }, { agent: "report", dependsOn: ["keywords"] }] },
    });
  });

  it("fails clearly when no rule fits the running agents", async () => {
    const out = await offline([]).plan(goal, request());
    expect(out).toMatchObject({ status: "failed", failure: { kind: "invalid_output" } });
    expect("failure" in out && out.failure.message).toMatch(/no offline plan fits the running agents \(none\)/);
  });
});
