import { createMemoryEffectsLedger, resolveModel, runLlmAgent, type LlmRunOutcome } from "@switchyard/agent-kit";
import { createLogger } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { classifierAgent } from "./agent.ts";
import { CLASSIFIER_SCRIPT } from "./script.ts";

// The scripted model by name, so an API key in a developer's shell never turns a unit test into a paid call.
const model = resolveModel(`scripted:${CLASSIFIER_SCRIPT}`);

async function classify(ticket: string): Promise<LlmRunOutcome> {
  const controller = new AbortController();
  return runLlmAgent({
    agent: classifierAgent,
    model,
    input: { ticket },
    upstream: {},
    budget: classifierAgent.budget,
    deadlineMs: Date.now() + 60_000,
    signal: controller.signal,
    cancelled: () => false,
    goalId: "g-test",
    tenant: "acme",
    subtaskId: "classify",
    logger: createLogger({ service: "test", level: "silent" }),
    services: { emit: async () => {}, effects: createMemoryEffectsLedger(), propose: async () => {} },
  });
}

describe("classifier agent (offline script)", () => {
  it("classifies a refund ticket as refund, with a summary of the issue", async () => {
    const outcome = await classify(
      "I'd like a refund for order A-1001. The trail running shoes don't fit and I never wore them.",
    );
    expect(outcome.status).toBe("ok");
    expect(outcome.output).toEqual({
      category: "refund",
      urgency: "normal",
      summary: "I'd like a refund for order A-1001.",
    });
    expect(outcome.usage.steps).toBe(1);
  });

  it("tells shipping, account and other tickets apart, and spots urgency", async () => {
    const cases = [
      ["My package still hasn't arrived after two weeks. Where is it?", "shipping", "normal"],
      ["I'm locked out of my account and the password reset never comes. Please help ASAP!", "account", "high"],
      ["Do you sell gift cards? Just wondering, no rush.", "other", "low"],
      ["I was charged twice for the same order!!", "refund", "high"],
    ] as const;
    for (const [ticket, category, urgency] of cases) {
      const outcome = await classify(ticket);
      expect(outcome.output, ticket).toMatchObject({ category, urgency });
    }
  });

  it("gives the same answer to the same ticket (replicas and redeliveries agree)", async () => {
    const ticket = "Where is my parcel? Tracking has not moved for days.";
    const [a, b] = await Promise.all([classify(ticket), classify(ticket)]);
    expect(a.output).toEqual(b.output);
  });
});
