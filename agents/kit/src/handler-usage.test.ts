import { WIRE_VERSION, type Budget, type SubtaskEnvelope } from "@switchyard/contracts";
import { createLogger, type StepEventInput } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent, type AgentDefinition, type HandlerContext } from "./define-agent.ts";
import { createMemoryEffectsLedger } from "./effects-ledger.ts";
import { BudgetLimitReached, createHandlerUsageMeter } from "./handler-usage.ts";
import type { UsageAmounts } from "./loop/budget-meter.ts";
import { runSubtask } from "./run-subtask.ts";

const logger = createLogger({ service: "test", level: "silent" });
const envelope = (budget: Budget = {}): SubtaskEnvelope => ({
  v: WIRE_VERSION,
  goalId: "g1",
  subtaskId: "s1",
  idempotencyKey: "g1/s1",
  agent: "wrapper",
  input: {},
  upstream: {},
  budget,
  deadline: new Date(Date.now() + 30_000).toISOString(),
  attempt: 1,
  tenant: "acme",
  user: "ana",
});

/** A handler agent standing in for a wrapped framework: `calls` model calls of 40 + 10 tokens each, $0.01 each. */
function wrapper(opts: { budget?: Budget; calls?: number; onCall?: (ctx: HandlerContext) => Promise<void> } = {}) {
  const seen: { budget?: Budget; callsMade: number } = { callsMade: 0 };
  const agent = defineAgent({
    name: "wrapper",
    version: "1.0.0",
    description: "Test fixture: records model calls as a wrapped framework would.",
    input: z.object({}),
    output: z.object({ calls: z.int() }),
    budget: opts.budget ?? { maxMs: 5_000 },
    handler: async (_input, ctx) => {
      seen.budget = ctx.budget;
      for (let i = 0; i < (opts.calls ?? 3); i++) {
        // Like an SDK call given the signal: an aborted signal refuses the next call.
        ctx.signal.throwIfAborted();
        seen.callsMade++;
        await opts.onCall?.(ctx);
        ctx.usage.record({ steps: 1, inputTokens: 40, outputTokens: 10, costUsd: 0.01 });
      }
      return { calls: seen.callsMade };
    },
  });
  return { agent, seen };
}

/** Runs `agent` on a subtask with `budget`, keeping the step events it emits. */
function run(agent: AgentDefinition, budget?: Budget, signal?: AbortSignal) {
  const events: StepEventInput[] = [];
  const services = {
    emit: async (e: StepEventInput) => void events.push(e),
    effects: createMemoryEffectsLedger(),
    propose: async () => {},
  };
  return {
    events,
    result: runSubtask({ agent, envelope: envelope(budget), instance: "i1", logger, services, signal }),
  };
}

describe("a handler's usage meter", () => {
  it("adds up what is recorded and calls onLimit once, when a total first reaches a limit", () => {
    const reached: BudgetLimitReached[] = [];
    const meter = createHandlerUsageMeter({ maxTokens: 100 }, Date.now() + 60_000, (r) => reached.push(r));
    meter.recorder.record({ steps: 1, inputTokens: 40, outputTokens: 10 });
    expect(reached).toEqual([]);
    meter.recorder.record({ steps: 1, inputTokens: 40, outputTokens: 10 });
    expect(reached.map((r) => r.limit)).toEqual(["limit_tokens"]);
    expect(reached[0]).toBeInstanceOf(BudgetLimitReached);
    // What is still recorded after the limit counts (it was consumed), without a second signal.
    meter.recorder.record({ inputTokens: 5, costUsd: 0.25 });
    expect(reached).toHaveLength(1);
    expect(meter.recorder.recorded).toEqual({ steps: 2, inputTokens: 85, outputTokens: 20, costUsd: 0.25 });
  });

  it("names each limit: steps, tokens and cost", () => {
    const limitFor = (budget: Budget, amounts: UsageAmounts) => {
      let limit: string | undefined;
      const m = createHandlerUsageMeter(budget, Date.now() + 60_000, (r) => (limit = r.limit));
      m.recorder.record(amounts);
      return limit;
    };
    expect(limitFor({ maxSteps: 2 }, { steps: 2 })).toBe("limit_steps");
    expect(limitFor({ maxTokens: 50 }, { outputTokens: 50 })).toBe("limit_tokens");
    expect(limitFor({ maxCostUsd: 0.1 }, { costUsd: 0.1 })).toBe("limit_cost");
    expect(limitFor({ maxSteps: 2, maxTokens: 50, maxCostUsd: 0.1 }, { steps: 1, inputTokens: 49 })).toBeUndefined();
  });

  it("reports 1 step for a handler that recorded none, and what it recorded otherwise", () => {
    const meter = createHandlerUsageMeter({}, Date.now() + 60_000, () => {});
    expect(meter.total()).toMatchObject({ steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    meter.recorder.record({ inputTokens: 7 });
    expect(meter.total()).toMatchObject({ steps: 1, inputTokens: 7 });
    meter.recorder.record({ steps: 3 });
    expect(meter.total().steps).toBe(3);
  });

  it("rejects an amount that is negative, fractional, not a number or misspelt, naming the field", () => {
    const meter = createHandlerUsageMeter({}, Date.now() + 60_000, () => {});
    expect(() => meter.recorder.record({ inputTokens: -1 })).toThrow(/ctx\.usage\.record: inputTokens: .*>=0/);
    expect(() => meter.recorder.record({ steps: 1.5 })).toThrow(/steps: .*int/);
    expect(() => meter.recorder.record({ costUsd: Number.NaN })).toThrow(/costUsd/);
    expect(() => meter.recorder.record({ tokens: 5 } as never)).toThrow(/tokens/);
    expect(meter.recorder.recorded).toEqual({ steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });
});

describe("runSubtask with a handler that records usage", () => {
  it("reports the recorded totals as the result's usage", async () => {
    const { agent } = wrapper({ calls: 3 });
    const r = await run(agent).result;
    expect(r).toMatchObject({ status: "ok", output: { calls: 3 } });
    expect(r.usage).toMatchObject({ steps: 3, inputTokens: 120, outputTokens: 30 });
    expect(r.usage.costUsd).toBeCloseTo(0.03);
  });

  it("gives the handler the effective budget: the agent's default narrowed by the subtask's", async () => {
    const { agent, seen } = wrapper({ budget: { maxSteps: 10, maxTokens: 1_000, maxMs: 5_000 }, calls: 1 });
    await run(agent, { maxTokens: 400, maxCostUsd: 1 }).result;
    expect(seen.budget).toEqual({ maxSteps: 10, maxTokens: 400, maxMs: 5_000, maxCostUsd: 1 });
  });

  it.each([
    [{ maxTokens: 100 }, "limit_tokens", { steps: 2, inputTokens: 80, outputTokens: 20 }],
    [{ maxSteps: 2 }, "limit_steps", { steps: 2, inputTokens: 80, outputTokens: 20 }],
    [{ maxCostUsd: 0.02 }, "limit_cost", { steps: 2, inputTokens: 80, outputTokens: 20 }],
  ] as const)(
    "stops the handler when %o is reached: %s, the usage so far and a limit.hit event",
    async (budget, status, usage) => {
      const { agent, seen } = wrapper({ calls: 10 });
      const { result, events } = run(agent, budget);
      const r = await result;
      expect(r.status).toBe(status);
      expect(r.usage).toMatchObject(usage);
      // The signal refused the third call.
      expect(seen.callsMade).toBe(2);
      expect(events).toEqual([
        expect.objectContaining({ type: "limit.hit", limit: status, goalId: "g1", subtaskId: "s1", agent: "wrapper" }),
      ]);
    },
  );

  it("ends at the limit even when the handler ignores its signal", async () => {
    const { agent } = wrapper({
      calls: 2,
      budget: { maxMs: 20_000 },
      onCall: async (ctx) => {
        if (ctx.usage.recorded.steps === 1) await new Promise(() => {});
      },
    });
    const started = Date.now();
    const r = await run(agent, { maxTokens: 50 }).result;
    expect(r.status).toBe("limit_tokens");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("ends limit_time, not cancelled, when the handler throws because the deadline aborted its signal", async () => {
    const { agent } = wrapper({
      calls: 1,
      budget: { maxMs: 200 },
      onCall: (ctx) =>
        new Promise((_, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("request aborted")))),
    });
    const { result, events } = run(agent);
    const r = await result;
    expect(r.status).toBe("limit_time");
    expect(events.map((e) => e.type === "limit.hit" && e.limit)).toEqual(["limit_time"]);
  });

  it("cancellation from outside is not a limit: cancelled, no limit.hit", async () => {
    const outside = new AbortController();
    const { agent } = wrapper({
      calls: 1,
      onCall: (ctx) =>
        new Promise((_, reject) => {
          ctx.signal.addEventListener("abort", () => reject(new Error("request aborted")));
          outside.abort();
        }),
    });
    const { result, events } = run(agent, {}, outside.signal);
    const r = await result;
    expect(r.status).toBe("cancelled");
    expect(events).toEqual([]);
  });

  it("leaves a handler that records nothing as it was: ok, 1 step, no tokens, no event", async () => {
    const plain = defineAgent({
      name: "wrapper",
      version: "1.0.0",
      description: "Test fixture: plain code.",
      input: z.object({}),
      output: z.object({ done: z.boolean() }),
      handler: async () => ({ done: true }),
    });
    const { result, events } = run(plain, { maxSteps: 1, maxTokens: 1 });
    const r = await result;
    expect(r).toMatchObject({ status: "ok", output: { done: true } });
    expect(r.usage).toMatchObject({ steps: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    expect(events).toEqual([]);
  });
});
