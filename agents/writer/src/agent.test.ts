import { createMemoryEffectsLedger, resolveModel, runLlmAgent, type LlmRunOutcome } from "@switchyard/agent-kit";
import { createLogger } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { writerAgent } from "./agent.ts";
import type { WriterInput } from "./schema.ts";
import { WRITER_SCRIPT } from "./script.ts";

// The scripted model by name, so an API key in a developer's shell never turns a unit test into a paid call.
const model = resolveModel(`scripted:${WRITER_SCRIPT}`);

async function write(input: WriterInput): Promise<LlmRunOutcome> {
  const controller = new AbortController();
  return runLlmAgent({
    agent: writerAgent,
    model,
    input,
    upstream: {},
    budget: writerAgent.budget,
    deadlineMs: Date.now() + 60_000,
    signal: controller.signal,
    cancelled: () => false,
    goalId: "g-test",
    tenant: "acme",
    subtaskId: "reply",
    logger: createLogger({ service: "test", level: "silent" }),
    services: { emit: async () => {}, effects: createMemoryEffectsLedger(), propose: async () => {} },
  });
}

const refundTicket: WriterInput = {
  ticket: "I'd like a refund for order A-1001. The trail running shoes don't fit and I never wore them.",
  classification: { category: "refund", urgency: "normal", summary: "I'd like a refund for order A-1001." },
  research: {
    answer:
      "Refund policy [kb-refund-policy]: Orders can be refunded within 30 days of delivery, up to the amount paid. " +
      "Order A-1001 (Trail running shoes) totals 129.00 USD and was delivered 12 days ago.",
    facts: ["Order A-1001 (Trail running shoes) totals 129.00 USD and was delivered 12 days ago."],
    sources: ["kb-refund-policy"],
  },
};

describe("writer agent (offline script)", () => {
  it("drafts a reply that names the customer's issue and what applies, without internal article ids", async () => {
    const outcome = await write(refundTicket);
    expect(outcome.status).toBe("ok");
    const reply = outcome.output as { subject: string; body: string };
    expect(reply.subject).toBe("Your refund request");
    expect(reply.body).toContain("I'd like a refund for order A-1001.");
    expect(reply.body).toContain("within 30 days of delivery");
    expect(reply.body).toContain("reviews your refund request");
    expect(reply.body).not.toContain("kb-refund-policy");
    expect(reply.body).not.toContain("urgent");
  });

  it("says when a ticket was marked urgent, and fits the next step to the category", async () => {
    const outcome = await write({
      ticket: "I'm locked out of my account and the reset email never comes!!",
      classification: { category: "account", urgency: "high", summary: "I'm locked out of my account." },
      research: { answer: "", facts: [], sources: [] },
    });
    const reply = outcome.output as { subject: string; body: string };
    expect(reply.subject).toBe("Access to your account");
    expect(reply.body).toContain("I'm locked out of my account.");
    expect(reply.body).toContain("marked your request as urgent");
    expect(reply.body).not.toContain("Here is what we found");
  });
});
