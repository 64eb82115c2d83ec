import { createMemoryEffectsLedger, resolveModel, runLlmAgent, type LlmRunOutcome } from "@switchyard/agent-kit";
import { createLogger, type StepEventInput } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { refundsAgent } from "./agent.ts";
import { findOrder } from "./data/orders.ts";
import { AUTO_APPROVAL_LIMIT_USD } from "./policy.ts";
import { REFUNDS_SCRIPT } from "./script.ts";

type Proposal = NonNullable<LlmRunOutcome["proposals"]>[number];

// The scripted model by name, so an API key in a developer's shell never turns a unit test into a paid call.
const model = resolveModel(`scripted:${REFUNDS_SCRIPT}`);

async function decide(
  orderId: string,
  request: string,
): Promise<{ outcome: LlmRunOutcome; proposals: Proposal[]; events: StepEventInput[] }> {
  const proposals: Proposal[] = [];
  const events: StepEventInput[] = [];
  const controller = new AbortController();
  const outcome = await runLlmAgent({
    agent: refundsAgent,
    model,
    input: { orderId, request },
    upstream: {},
    budget: refundsAgent.budget,
    deadlineMs: Date.now() + 60_000,
    signal: controller.signal,
    cancelled: () => false,
    goalId: "g-test",
    tenant: "acme",
    subtaskId: "refund",
    logger: createLogger({ service: "test", level: "silent" }),
    services: {
      emit: async (e) => {
        events.push(e);
      },
      effects: createMemoryEffectsLedger(),
      propose: async (p) => {
        proposals.push(p);
      },
    },
  });
  return { outcome, proposals, events };
}

const toolCalls = (events: StepEventInput[]) => events.flatMap((e) => (e.type === "tool.call" ? [e] : []));

describe("refunds agent (offline script)", () => {
  it("proposes a refund of the order's amount for approval and never issues it itself", async () => {
    const request = "I'd like a refund for order A-1001. The trail running shoes don't fit.";
    const { outcome, proposals, events } = await decide("A-1001", request);

    expect(outcome.status).toBe("needs_approval");
    expect(proposals).toHaveLength(1);
    expect(outcome.proposals).toEqual(proposals);
    expect(proposals[0]).toMatchObject({
      tool: "issue_refund",
      kind: "destructive",
      agent: "refunds",
      status: "pending",
      args: { orderId: "A-1001", amountUsd: 129, reason: request },
      reason: expect.stringContaining("above the 50 USD automatic-approval limit"),
    });
    // Proposed, not run: the tool's run would have thrown and shown up as an error outcome.
    expect(toolCalls(events).map((e) => [e.tool, e.kind, e.outcome])).toEqual([
      ["get_order", "read", "ok"],
      ["issue_refund", "destructive", "proposed"],
    ]);
    expect(outcome.partialOutput).toMatchObject({ decision: "refund", amountUsd: 129 });
  });

  it("uses a demo order above the automatic-approval limit, so the demo waits for a person", () => {
    expect(AUTO_APPROVAL_LIMIT_USD).toBe(50);
    expect(findOrder("A-1001").totalUsd).toBeGreaterThan(AUTO_APPROVAL_LIMIT_USD);
  });

  it("denies a refund past the 30-day window without proposing anything", async () => {
    const { outcome, proposals } = await decide("A-1003", "Please refund my rain jacket, it leaks.");
    expect(outcome.status).toBe("ok");
    expect(outcome.output).toMatchObject({ decision: "deny", amountUsd: 0 });
    expect((outcome.output as { rationale: string }).rationale).toContain("outside the 30-day refund window");
    expect(proposals).toEqual([]);
  });

  it("escalates an order that has not been delivered", async () => {
    const { outcome, proposals } = await decide("A-1004", "Refund my headlamp please, I don't need it any more.");
    expect(outcome.output).toMatchObject({ decision: "escalate", amountUsd: 0 });
    expect(proposals).toEqual([]);
  });

  it("asks a person which order is meant when the order id is unknown", async () => {
    const { outcome, proposals, events } = await decide("Z-9999", "I want my money back.");
    expect(toolCalls(events)[0]).toMatchObject({ tool: "get_order", outcome: "error" });
    expect(outcome.status).toBe("needs_input");
    expect(outcome.partialOutput).toMatchObject({ decision: "escalate", amountUsd: 0 });
    expect(proposals).toEqual([]);
  });
});
