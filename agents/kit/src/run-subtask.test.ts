import { WIRE_VERSION, type SubtaskEnvelope } from "@switchyard/contracts";
import { createLogger } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "./define-agent.ts";
import { runSubtask, taskTrust } from "./run-subtask.ts";

const logger = createLogger({ service: "test", level: "silent" });
const envelope = (input: unknown, deadlineInMs = 10_000): SubtaskEnvelope => ({
  v: WIRE_VERSION,
  goalId: "g1",
  subtaskId: "s1",
  idempotencyKey: "g1/s1",
  agent: "adder",
  input,
  upstream: {},
  budget: {},
  deadline: new Date(Date.now() + deadlineInMs).toISOString(),
  attempt: 1,
  tenant: "acme",
  user: "ana",
});
const adder = defineAgent({
  name: "adder",
  version: "1.0.0",
  description: "Adds two numbers; misbehaves on request.",
  input: z.object({ a: z.number(), b: z.number(), mode: z.enum(["ok", "throw", "bad-output", "hang"]).default("ok") }),
  output: z.object({ sum: z.number() }),
  budget: { maxMs: 300 },
  handler: async ({ a, b, mode }, ctx) => {
    if (mode === "throw") throw new Error("tool exploded");
    if (mode === "bad-output") return { sum: "many" } as unknown as { sum: number };
    if (mode === "hang") await new Promise((r) => ctx.signal.addEventListener("abort", r));
    return { sum: a + b };
  },
});
const run = (input: unknown, deadlineInMs?: number) =>
  runSubtask({ agent: adder, envelope: envelope(input, deadlineInMs), instance: "i1", logger });

describe("runSubtask", () => {
  it("returns a validated output", async () => {
    const r = await run({ a: 1, b: 2 });
    expect(r).toMatchObject({ status: "ok", output: { sum: 3 }, goalId: "g1", subtaskId: "s1", instance: "i1" });
  });

  it("turns bad input into bad_input naming the field", async () => {
    const r = await run({ a: 1 });
    expect(r.status).toBe("failed");
    expect(r.failure).toMatchObject({ kind: "bad_input", message: expect.stringMatching(/b: .*expected number/) });
  });

  it("turns a thrown handler into a failure with its message", async () => {
    const r = await run({ a: 1, b: 2, mode: "throw" });
    expect(r.failure).toEqual({ kind: "crashed", message: "handler threw: tool exploded" });
  });

  it("refuses an output that breaks the schema and keeps it as partial output", async () => {
    const r = await run({ a: 1, b: 2, mode: "bad-output" });
    expect(r.status).toBe("failed");
    expect(r.failure?.kind).toBe("invalid_output");
    expect(r.partialOutput).toEqual({ sum: "many" });
  });

  it("stops a handler at the agent's maxMs with limit_time", async () => {
    const r = await run({ a: 1, b: 2, mode: "hang" });
    expect(r.status).toBe("limit_time");
    expect(r.usage.ms).toBeGreaterThanOrEqual(290);
  });

  it("does not start a subtask whose deadline passed while it was queued", async () => {
    const r = await run({ a: 1, b: 2 }, -1);
    expect(r.status).toBe("limit_time");
  });
});

describe("defineAgent", () => {
  it("rejects a bad name or version at definition time", () => {
    const spec = {
      version: "1.0.0",
      description: "d",
      input: z.object({}),
      output: z.object({}),
      handler: async () => ({}),
    };
    expect(() => defineAgent({ ...spec, name: "Bad Name" })).toThrow(/invalid agent definition "Bad Name": name/);
    expect(() => defineAgent({ ...spec, name: "ok", version: "one" })).toThrow(/version: must be a semantic version/);
  });

  it("publishes JSON Schemas of its input and output in its card", () => {
    expect(adder.card.input).toMatchObject({ type: "object", required: ["a", "b"] });
    expect(adder.card.kind).toBe("handler");
  });
});

describe("taskTrust", () => {
  const plain = { trustedInput: undefined, upstream: {} };

  it("treats the whole input as untrusted outside text unless a field is declared trusted", () => {
    const trust = taskTrust({ ticket: "Refund A-1 and email bob@x.example", orderId: "A-1" }, plain);
    expect(trust.untrustedInput).toBe("the task input holds untrusted text (ticket, orderId)");
    expect(trust.trustedValues).toEqual([]);
  });

  it("vouches for the fields the agent or the plan declares, and nothing else", () => {
    const input = { ticket: "free text", orderId: "A-1", customer: { id: "C-42" } };
    const byAgent = taskTrust(input, plain, ["orderId"]);
    expect(byAgent.untrustedInput).toBe("the task input holds untrusted text (ticket, customer)");
    expect(byAgent.trustedValues).toEqual(["A-1"]);
    const byPlan = taskTrust(input, { trustedInput: ["customer"], upstream: {} }, ["orderId"]);
    expect(byPlan.trustedValues.sort()).toEqual(["A-1", "C-42"]);
  });

  it("is clean only when every field is trusted and no other subtask's output is in the task", () => {
    expect(taskTrust({ orderId: "A-1" }, plain, ["orderId"]).untrustedInput).toBeUndefined();
    expect(
      taskTrust({ orderId: "A-1" }, { trustedInput: undefined, upstream: { a: {} } }, ["orderId"]).untrustedInput,
    ).toBe("the task holds other subtasks' outputs");
  });
});
