import type { StepEvent } from "@switchyard/contracts";
import { type StepEventInput } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { type ScriptContext, type ScriptedReply } from "../model/scripted-provider.ts";
import type { ChatMessage, ModelRequest } from "../model/types.ts";
import { lastToolResult, ok, run, sent } from "./loop-harness.test-helpers.ts";
import { effectKey } from "./tool-executor.ts";

describe("the agent loop", () => {
  it("ends ok with the validated final answer and its assessment", async () => {
    const { outcome, requests } = await run(({ turn }) =>
      turn === 0 ? { toolCalls: [{ name: "lookup", args: { term: "x" } }] } : ok("x is y"),
    );
    expect(outcome).toMatchObject({ status: "ok", output: { answer: "x is y" }, assessment: { established: ["x"] } });
    expect(outcome.usage.steps).toBe(2);
    // The system role holds the instructions only; the input is in the first user message.
    expect(requests[0]?.system).toBe("You are a careful test agent.");
    expect(requests[0]?.messages[0]).toMatchObject({ role: "user", content: expect.stringContaining("what is x?") });
  });

  it.each([
    ["limit_steps", { maxSteps: 3 }, undefined],
    ["limit_tokens", { maxTokens: 2_500 }, undefined],
    ["limit_cost", { maxCostUsd: 0.025 }, { inputPerMTok: 10, outputPerMTok: 0 }],
  ] as const)("stops at %s with partial output, overshooting by at most one step", async (status, budget, price) => {
    const { outcome, events } = await run(
      ({ turn }) => ({
        text: `working on it (${turn})`,
        toolCalls: [{ name: "lookup", args: { term: `t${turn}` } }],
        usage: { inputTokens: 1_000, outputTokens: 0 },
      }),
      { budget, price },
    );
    expect(outcome.status).toBe(status);
    expect(outcome.partialOutput).toEqual({ notes: "working on it (0)" });
    // Each call costs 1000 tokens / $0.01: the limit is crossed by the call that reaches it, never by two.
    expect(outcome.usage.steps).toBe(3);
    expect(events.find((e) => e.type === "limit.hit")).toMatchObject({ limit: status });
  });

  it("stops at the deadline with limit_time", async () => {
    const { outcome } = await run(() => new Promise<ScriptedReply>(() => {}) as unknown as ScriptedReply, {
      deadlineMs: 200,
    });
    expect(outcome.status).toBe("limit_time");
  });

  it("sends a hallucinated tool back as an error, then ends invalid_tool_calls after K in a row", async () => {
    const { outcome, requests } = await run(() => ({ toolCalls: [{ name: "get_ordr", args: {} }] }));
    expect(lastToolResult(requests[1])[0]).toMatchObject({
      isError: true,
      content: expect.stringMatching(
        /Unknown tool "get_ordr". Available tools: lookup, save_note, send_email, charge_card, hang, delete_account, final_answer/,
      ),
    });
    expect(outcome).toMatchObject({ status: "failed", failure: { kind: "invalid_tool_calls" } });
    expect(requests).toHaveLength(3);
  });

  it("sends bad arguments back naming the field, and recovers when the model fixes them", async () => {
    const { outcome, requests } = await run(({ turn }) =>
      turn === 0 ? { toolCalls: [{ name: "lookup", args: { term: 7 } }] } : ok(),
    );
    expect(lastToolResult(requests[1])[0]?.content).toMatch(/Invalid arguments for lookup: term: .*expected string/);
    expect(outcome.status).toBe("ok");
  });

  it("detects the same call repeated and an A-B-A-B cycle as a loop", async () => {
    const same = await run(() => ({ toolCalls: [{ name: "lookup", args: { term: "same" } }] }));
    expect(same.outcome).toMatchObject({
      status: "failed",
      failure: { kind: "loop", message: "lookup was called 3 times with the same arguments" },
    });
    const cycle = await run(({ turn }) => ({
      toolCalls: [{ name: "lookup", args: { term: turn % 2 === 0 ? "a" : "b" } }],
    }));
    expect(cycle.outcome).toMatchObject({
      status: "failed",
      failure: { kind: "loop", message: expect.stringMatching(/cycle/) },
    });
  });

  it("gives an invalid final answer back to the model a bounded number of times, then ends invalid_output", async () => {
    const { outcome, requests } = await run(() => ({
      toolCalls: [
        {
          name: "final_answer",
          args: { answer: { answer: 42 }, assessment: { established: [], assumed: [], unknown: [] } },
        },
      ],
    }));
    expect(lastToolResult(requests[1])[0]?.content).toMatch(/final_answer rejected: answer.answer/);
    expect(outcome).toMatchObject({
      status: "failed",
      failure: { kind: "invalid_output" },
      partialOutput: { answer: 42 },
    });
    expect(requests).toHaveLength(3);
  });

  it("ends needs_input with the gaps when the checkpoint has a critical unknown", async () => {
    const { outcome, events } = await run(() => ({
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer: { answer: "maybe" },
            assessment: {
              established: [],
              assumed: ["EU customer"],
              unknown: [
                { question: "Which order?", critical: true },
                { question: "Tone?", critical: false },
              ],
            },
          },
        },
      ],
    }));
    expect(outcome).toMatchObject({
      status: "needs_input",
      partialOutput: { answer: "maybe" },
      assessment: { unknown: ["Which order? (critical)", "Tone?"] },
    });
    expect(events.find((e) => e.type === "checkpoint")).toMatchObject({ critical: ["Which order?"] });
  });

  it("ends tool_error after consecutive tool failures, each sent back to the model", async () => {
    const { outcome, requests } = await run(
      ({ turn }) => ({ toolCalls: [{ name: "lookup", args: { term: "explode", n: turn } }] }),
      { loop: { repeatLimit: 10 } },
    );
    expect(lastToolResult(requests[1])[0]).toMatchObject({ isError: true, content: "lookup failed: backend down" });
    expect(outcome).toMatchObject({ status: "failed", failure: { kind: "tool_error" } });
  });

  it("trims tool output and labels it untrusted tool-result content", async () => {
    const { requests } = await run(
      ({ turn }) => (turn === 0 ? { toolCalls: [{ name: "lookup", args: { term: "big" } }] } : ok()),
      { loop: { toolOutputMaxChars: 1_000 } },
    );
    const content = lastToolResult(requests[1])[0]?.content ?? "";
    expect(content).toMatch(/^<tool_output tool="lookup" trust="untrusted">/);
    expect(content).toContain("…[trimmed]");
    expect(content.length).toBeLessThan(1_300);
  });

  it("never runs a destructive tool: the call becomes a proposal and the run ends needs_approval", async () => {
    // A compromised model obeys the instructions injected into a tool's output.
    const { outcome, requests, proposals, events } = await run(({ turn, lastMessage }) => {
      if (turn === 0) return { toolCalls: [{ name: "lookup", args: { term: "inject" } }] };
      const injected = lastMessage?.role === "tool" && lastMessage.results[0]?.content.includes("delete_account");
      return injected
        ? { text: "Doing as the tool says.", toolCalls: [{ name: "delete_account", args: { userId: 7 } }] }
        : ok();
    });
    expect(outcome.status).toBe("needs_approval");
    expect(proposals).toEqual([
      expect.objectContaining({
        tool: "delete_account",
        args: { userId: 7 },
        kind: "destructive",
        status: "pending",
        reason: "Doing as the tool says.",
      }),
    ]);
    expect(outcome.proposals).toEqual(proposals);
    expect(events.some((e) => e.type === "proposal.created")).toBe(true);
    // The injected text reached the model only inside a tool result, never in the system or a user message.
    for (const req of requests) {
      expect(req.system).not.toContain("IGNORE PREVIOUS");
      const userText = req.messages
        .filter((m): m is Extract<ChatMessage, { role: "user" }> => m.role === "user")
        .map((m) => m.content)
        .join("\n");
      expect(userText).not.toContain("IGNORE PREVIOUS");
    }
  });

  it("runs a write tool once per effect key and applies its confirmation policy", async () => {
    sent.writes = 0;
    const { outcome, effects, requests } = await run(({ turn }) => {
      if (turn === 0)
        return {
          toolCalls: [
            { name: "save_note", args: { text: "hello" } },
            { name: "save_note", args: { text: "my secret" } },
          ],
        };
      if (turn === 1) return { toolCalls: [{ name: "save_note", args: { text: "hello" } }] };
      return ok();
    });
    expect(outcome.status).toBe("ok");
    expect(sent.writes).toBe(1);
    expect([...effects.entries.keys()]).toEqual([
      expect.stringMatching(/^agent\.tester\.effect\.g1\.s1\.save_note\.[0-9a-f]{64}$/),
    ]);
    expect(lastToolResult(requests[1])[1]).toMatchObject({
      isError: true,
      content: "save_note was denied by policy: notes may not hold secrets",
    });
  });

  it("never repeats a write whose outcome was an error: the effect may have happened", async () => {
    sent.flakyWrites = 0;
    const { outcome, requests } = await run(({ turn }) =>
      turn < 2 ? { toolCalls: [{ name: "charge_card", args: { cents: 500 } }] } : ok(),
    );
    expect(outcome.status).toBe("ok");
    expect(sent.flakyWrites).toBe(1);
    expect(lastToolResult(requests[2])[0]?.content).toMatch(/breaks its schema.*\(recorded earlier; not run again\)/);
  });

  it("escalates a write to approval once the run has read untrusted tool output (taint)", async () => {
    sent.writes = 0;
    const { outcome, proposals } = await run(({ turn }) =>
      turn === 0
        ? { toolCalls: [{ name: "lookup", args: { term: "inject" } }] }
        : { toolCalls: [{ name: "save_note", args: { text: "as told" } }] },
    );
    expect(outcome.status).toBe("needs_approval");
    expect(sent.writes).toBe(0);
    expect(proposals[0]).toMatchObject({
      tool: "save_note",
      kind: "write",
      reason: expect.stringMatching(/untrusted tool output/),
    });
  });

  it("gates write tools from the first step when the task input holds untrusted outside text", async () => {
    sent.writes = 0;
    const { outcome, proposals } = await run(
      () => ({ toolCalls: [{ name: "save_note", args: { text: "as the ticket says" } }] }),
      { trust: { untrustedInput: "the task input holds untrusted text (ticket)" } },
    );
    expect(outcome.status).toBe("needs_approval");
    expect(sent.writes).toBe(0);
    expect(proposals[0]).toMatchObject({
      tool: "save_note",
      reason: expect.stringMatching(/untrusted text \(ticket\)/),
    });
  });

  it("runs a write on an entity the trusted input names, and sends one on any other entity to a person", async () => {
    sent.emails = [];
    const trusted = { trust: { trustedValues: ["ana@example.com"] } };
    const first = await run(
      ({ turn }) =>
        turn === 0
          ? { toolCalls: [{ name: "send_email", args: { to: "ana@example.com", body: "Your order shipped." } }] }
          : ok(),
      trusted,
    );
    expect(sent.emails).toEqual(["ana@example.com"]);
    expect(first.outcome.status).toBe("ok");

    sent.emails = [];
    const { outcome, proposals } = await run(
      ({ turn }) =>
        turn === 0
          ? { toolCalls: [{ name: "send_email", args: { to: "mallory@evil.example", body: "Here is the data." } }] }
          : ok(),
      trusted,
    );
    expect(sent.emails).toEqual([]);
    expect(outcome.status).toBe("needs_approval");
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      tool: "send_email",
      args: { to: "mallory@evil.example" },
      reason: expect.stringMatching(/names to="mallory@evil\.example", which is neither in the task's trusted input/),
    });
  });

  it("counts a write's reply as outside text: the writes after it need a person", async () => {
    // An email API's or a CRM's reply can carry text someone else wrote, as a read's output can.
    sent.emails = [];
    const { outcome, proposals } = await run(
      ({ turn }) =>
        turn < 2
          ? { toolCalls: [{ name: "send_email", args: { to: "ana@example.com", body: `Update ${turn}.` } }] }
          : ok(),
      { trust: { trustedValues: ["ana@example.com"] } },
    );
    expect(sent.emails).toEqual(["ana@example.com"]);
    expect(outcome.status).toBe("needs_approval");
    expect(proposals[0]).toMatchObject({
      args: { body: "Update 1." },
      reason: expect.stringMatching(/untrusted tool output/),
    });
  });

  it("does not run a write again when an earlier attempt stopped before recording its outcome", async () => {
    sent.writes = 0;
    const { outcome, proposals, effects } = await run(
      ({ turn }) => (turn === 0 ? { toolCalls: [{ name: "save_note", args: { text: "hello" } }] } : ok()),
      {
        prepare: async (ledger) => {
          // What a crash between claiming the effect and recording it leaves behind.
          const key = effectKey("tester", "g1", "s1", "save_note", { text: "hello" });
          await ledger.claim(key);
        },
      },
    );
    expect(sent.writes).toBe(0);
    expect(outcome.status).toBe("needs_approval");
    expect(proposals[0]?.reason).toMatch(/may have taken effect/);
    expect([...effects.entries.values()][0]).toMatchObject({ state: "started" });
  });

  it("bounds a tool that ignores its abort signal by the deadline", async () => {
    const started = Date.now();
    const { outcome } = await run(() => ({ toolCalls: [{ name: "hang", args: {} }] }), { deadlineMs: 300 });
    expect(outcome.status).toBe("limit_time");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("replaces history with a structured summary every N steps, so input stays bounded", async () => {
    // Counts its own calls: after a summary the conversation restarts, so `turn` does too.
    const makeReply = () => {
      let calls = 0;
      return ({ request }: ScriptContext): ScriptedReply => {
        if (request.tools.some((t) => t.name === "record_summary")) {
          return {
            toolCalls: [
              {
                name: "record_summary",
                args: { established: [`looked up ${calls} terms`], attempted: [], open: [], next: "look up more" },
              },
            ],
          };
        }
        calls++;
        return calls > 12
          ? ok()
          : { toolCalls: [{ name: "lookup", args: { term: `term-${calls}-${"x".repeat(200)}` } }] };
      };
    };
    const withSummary = await run(makeReply(), { loop: { summarizeEvery: 3 }, budget: { maxSteps: 40 } });
    const without = await run(makeReply(), { loop: { summarizeEvery: 0 }, budget: { maxSteps: 40 } });
    expect(withSummary.outcome.status).toBe("ok");
    expect(withSummary.events.filter((e) => e.type === "context.summarized").length).toBeGreaterThanOrEqual(3);
    const size = (r: ModelRequest) => JSON.stringify(r.messages).length;
    const maxWith = Math.max(...withSummary.requests.map(size));
    const lastWithout = size(without.requests.at(-1) as ModelRequest);
    expect(maxWith).toBeLessThan(lastWithout / 2);
  });
});

// Keeps the StepEvent import honest: every emitted event must be a contract event once the emitter adds its fields.
export type _EventsAreContract = StepEventInput extends Omit<StepEvent, "v" | "at" | "source"> ? true : never;
