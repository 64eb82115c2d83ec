import { createMemoryEffectsLedger, resolveModel, runLlmAgent, type LlmRunOutcome } from "@switchyard/agent-kit";
import { createLogger, type StepEventInput } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { researcherAgent } from "./agent.ts";
import { RESEARCHER_SCRIPT } from "./script.ts";
import { searchKnowledgeBase } from "./search.ts";

// The scripted model by name, so an API key in a developer's shell never turns a unit test into a paid call.
const model = resolveModel(`scripted:${RESEARCHER_SCRIPT}`);

async function research(input: unknown): Promise<{ outcome: LlmRunOutcome; events: StepEventInput[] }> {
  const events: StepEventInput[] = [];
  const controller = new AbortController();
  const outcome = await runLlmAgent({
    agent: researcherAgent,
    model,
    input,
    upstream: {},
    budget: researcherAgent.budget,
    deadlineMs: Date.now() + 60_000,
    signal: controller.signal,
    cancelled: () => false,
    goalId: "g-test",
    tenant: "acme",
    subtaskId: "research",
    logger: createLogger({ service: "test", level: "silent" }),
    services: {
      emit: async (e) => {
        events.push(e);
      },
      effects: createMemoryEffectsLedger(),
      propose: async () => {},
    },
  });
  return { outcome, events };
}

const toolCalls = (events: StepEventInput[]) => events.flatMap((e) => (e.type === "tool.call" ? [e] : []));

describe("knowledge-base search", () => {
  it("ranks the refund policy first for a refund question, and finds nothing for unrelated words", () => {
    expect(searchKnowledgeBase("Can I get my money back? I want a refund").articles[0]?.id).toBe("kb-refund-policy");
    expect(searchKnowledgeBase("my parcel is lost").articles[0]?.id).toBe("kb-late-or-lost");
    expect(searchKnowledgeBase("forgot my password").articles[0]?.id).toBe("kb-account-recovery");
    expect(searchKnowledgeBase("zebra xylophone").articles).toEqual([]);
  });
});

describe("researcher agent (offline script)", () => {
  it("answers a refund question citing the refund-policy article and the order's facts", async () => {
    const { outcome, events } = await research({
      question: "I'd like a refund for my trail running shoes, they don't fit.",
      customerId: "C-42",
      orderId: "A-1001",
    });
    expect(outcome.status).toBe("ok");
    expect(toolCalls(events).map((e) => [e.tool, e.outcome])).toEqual([
      ["search_kb", "ok"],
      ["get_order", "ok"],
      ["get_customer", "ok"],
    ]);
    const output = outcome.output as { answer: string; facts: string[]; sources: string[] };
    expect(output.sources[0]).toBe("kb-refund-policy");
    expect(output.answer).toContain("[kb-refund-policy]");
    expect(output.answer).toContain("30 days");
    expect(output.answer).toContain(
      "Order A-1001 (Trail running shoes) totals 129.00 USD and was delivered 12 days ago",
    );
    expect(output.facts).toEqual(
      expect.arrayContaining([
        expect.stringContaining("129.00 USD"),
        expect.stringContaining("Customer C-42 is Dana Whitfield"),
      ]),
    );
    expect(outcome.assessment?.unknown).toEqual([]);
  });

  it("answers from the knowledge base alone when the goal names no customer or order", async () => {
    const { outcome, events } = await research({ question: "How long does express shipping take?" });
    expect(outcome.status).toBe("ok");
    expect(toolCalls(events).map((e) => e.tool)).toEqual(["search_kb"]);
    expect((outcome.output as { sources: string[] }).sources[0]).toBe("kb-shipping-times");
  });

  it("gets an unknown order id back as a tool error, and says so instead of crashing", async () => {
    const { outcome, events } = await research({ question: "Where is my refund?", orderId: "Z-9999" });
    const getOrder = toolCalls(events).find((e) => e.tool === "get_order");
    expect(getOrder).toMatchObject({ outcome: "error", result: expect.stringContaining('unknown order "Z-9999"') });
    expect(outcome.status).toBe("ok");
    expect((outcome.output as { answer: string }).answer).toContain("Order Z-9999 could not be found");
    expect(outcome.assessment?.unknown).toEqual([expect.stringContaining('unknown order "Z-9999"')]);
  });
});
