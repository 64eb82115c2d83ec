import { describe, expect, it } from "vitest";
import { createMemoryEffectsLedger } from "../effects-ledger.ts";
import { type ScriptContext, type ScriptedReply } from "../model/scripted-provider.ts";
import { createRunJournal, memoryJournalStore } from "../run-journal.ts";
import { lastToolResult, ok, run, sent } from "./loop-harness.test-helpers.ts";

describe("the agent loop with a run journal", () => {
  const price = { inputPerMTok: 1_000_000, outputPerMTok: 0 };

  it("resumes after an approval where it stopped: the approved call runs with its arguments, nothing is asked again", async () => {
    sent.writes = 0;
    const store = memoryJournalStore();
    const effects = createMemoryEffectsLedger();
    // Attempt 1: reads (which taints the run), then a write that needs a person.
    const first = await run(
      ({ turn }) =>
        turn === 0
          ? { toolCalls: [{ name: "lookup", args: { term: "x" } }] }
          : { toolCalls: [{ name: "save_note", args: { text: "refund approved for x" } }] },
      { price, resume: { journal: await createRunJournal(store, 1), effects } },
    );
    expect(first.outcome.status).toBe("needs_approval");
    const key = first.proposals[0]?.effectKey ?? "";
    // Attempt 2, approved: a model that would now say something else is not asked about the first two steps.
    const second = await run(
      ({ turn }) =>
        turn < 2 ? { toolCalls: [{ name: "save_note", args: { text: "something else entirely" } }] } : ok("noted"),
      { price, resume: { journal: await createRunJournal(store, 2), effects, approvedEffects: [key] } },
    );
    expect(second.outcome).toMatchObject({ status: "ok", output: { answer: "noted" } });
    expect(sent.writes).toBe(1);
    expect([...effects.entries.values()]).toEqual([expect.objectContaining({ state: "done" })]);
    expect(second.requests).toHaveLength(1);
    // Steps 1-2 were reported by attempt 1's result: attempt 2 reports only the call it made.
    expect(second.outcome.usage.steps).toBe(1);
    expect(first.outcome.usage.costUsd).toBeGreaterThan(0);
    const replayed = second.events.filter((e) => e.type === "model.call" && e.replayed === true);
    expect(replayed).toHaveLength(2);
    expect(replayed.every((e) => e.type === "model.call" && e.costUsd === 0)).toBe(true);
    expect(second.events.find((e) => e.type === "tool.call" && e.tool === "lookup")).toMatchObject({
      outcome: "replayed",
    });
  });

  it("resumes after an answer at the question it asked, with the answer as the reply to it", async () => {
    const store = memoryJournalStore();
    const effects = createMemoryEffectsLedger();
    const unsure: ScriptedReply = {
      toolCalls: [
        {
          name: "final_answer",
          args: {
            answer: { answer: "?" },
            assessment: { established: [], assumed: [], unknown: [{ question: "which order?", critical: true }] },
          },
        },
      ],
    };
    const first = await run(() => unsure, { resume: { journal: await createRunJournal(store, 1), effects } });
    expect(first.outcome.status).toBe("needs_input");
    const answers = [{ text: "order A-1001", answeredBy: "rita", at: new Date().toISOString() }];
    const second = await run(({ turn }) => (turn === 0 ? unsure : ok("refund A-1001")), {
      resume: { journal: await createRunJournal(store, 2), effects, answers },
    });
    expect(second.outcome).toMatchObject({ status: "ok", output: { answer: "refund A-1001" } });
    expect(second.requests).toHaveLength(1);
    // The task is as it was; the answer is the reply to the final_answer call that asked.
    expect(second.requests[0]?.messages[0]).toMatchObject({ content: expect.not.stringContaining("A-1001") });
    expect(lastToolResult(second.requests[0])).toEqual([
      expect.objectContaining({
        toolName: "final_answer",
        content: expect.stringContaining("(rita) answered: order A-1001"),
      }),
    ]);
  });

  it("after a crash, makes only the calls the dead run did not, and counts the dead run's paid calls once", async () => {
    const store = memoryJournalStore();
    const effects = createMemoryEffectsLedger();
    const script = ({ turn }: ScriptContext): ScriptedReply =>
      turn < 4 ? { toolCalls: [{ name: "lookup", args: { term: `t${turn}` } }] } : ok("all read");
    const whole = await run(script, { price });
    // The dead run of attempt 1 got through four model calls and their reads; then its replica was killed.
    const dead = await run(script, {
      price,
      budget: { maxSteps: 4 },
      resume: { journal: await createRunJournal(store, 1), effects },
    });
    expect(dead.outcome.status).toBe("limit_steps");
    const redelivered = await run(script, { price, resume: { journal: await createRunJournal(store, 1), effects } });
    expect(redelivered.outcome).toMatchObject({ status: "ok", output: { answer: "all read" } });
    expect(redelivered.requests).toHaveLength(1);
    // Nothing reported the dead run's spend: the redelivered attempt reports all of it, each call once.
    expect(redelivered.outcome.usage.steps).toBe(whole.outcome.usage.steps);
    expect(redelivered.outcome.usage.inputTokens).toBe(whole.outcome.usage.inputTokens);
    expect(redelivered.outcome.usage.costUsd).toBeCloseTo(whole.outcome.usage.costUsd, 9);
  });

  it("goes on live from an entry that does not match the run (the code changed since)", async () => {
    const store = memoryJournalStore([
      { kind: "read", attempt: 1, toolCallId: "nope", content: "x", isError: false, outcome: "ok" },
    ]);
    const { outcome, requests } = await run(() => ok("fresh"), {
      resume: { journal: await createRunJournal(store, 2), effects: createMemoryEffectsLedger() },
    });
    expect(outcome).toMatchObject({ status: "ok", output: { answer: "fresh" } });
    expect(requests).toHaveLength(1);
  });
});
