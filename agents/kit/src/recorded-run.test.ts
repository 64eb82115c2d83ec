import type { RecordedRun } from "@switchyard/contracts";
import { createLogger } from "@switchyard/infra";
import { createScriptedProvider, scriptFromRecordedRuns } from "@switchyard/models";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAgent } from "./define-agent.ts";
import { defineTool } from "./define-tool.ts";
import { createMemoryEffectsLedger } from "./effects-ledger.ts";
import { runLlmAgent } from "./loop/run-llm-agent.ts";
import { replayRecordedRun } from "./recorded-run.ts";

let reads = 0;
const lookup = defineTool({
  name: "lookup",
  description: "Looks a term up.",
  kind: "read",
  input: z.object({ term: z.string() }),
  output: z.object({ text: z.string() }),
  run: async ({ term }) => {
    reads++;
    return { text: `about ${term}` };
  },
});
const agent = defineAgent({
  name: "tester",
  version: "1.0.0",
  description: "Test agent.",
  input: z.object({ question: z.string() }),
  output: z.object({ answer: z.string() }),
  instructions: "Look it up, then answer.",
  tools: [lookup],
  model: "scripted:unused",
});
const response = (toolCalls: Array<{ id: string; name: string; args: unknown }>) => ({
  text: "",
  toolCalls: toolCalls.map((c) => ({ ...c, rawArgs: JSON.stringify(c.args) })),
  usage: { inputTokens: 100, outputTokens: 10 },
  stopReason: "tool_use" as const,
});
const final = { answer: { answer: "x is y" }, assessment: { established: ["x"], assumed: [], unknown: [] } };
const recorded: RecordedRun = {
  agent: "tester",
  goalId: "g1",
  subtaskId: "s1",
  root: 1,
  task: { input: { question: "what is x?" }, upstream: {} },
  entries: [
    { kind: "model", attempt: 1, response: response([{ id: "t1", name: "lookup", args: { term: "x" } }]) },
    { kind: "read", attempt: 1, toolCallId: "t1", content: "about x (recorded)", isError: false, outcome: "ok" },
    { kind: "model", attempt: 1, response: response([{ id: "t2", name: "final_answer", args: final }]) },
  ],
};

describe("a recorded run", () => {
  it("replays against the agent's code with no model call and no read, at no cost", async () => {
    reads = 0;
    const replay = await replayRecordedRun(agent, recorded);
    expect(replay.outcome).toMatchObject({ status: "ok", output: { answer: "x is y" } });
    expect(replay.outcome.usage).toMatchObject({ inputTokens: 0, costUsd: 0 });
    expect(reads).toBe(0);
    expect(replay.divergence).toBeUndefined();
    expect(replay.wentPastRecording).toBe(false);
  });

  it("says where changed code stops retracing it, and that it wanted more than was recorded", async () => {
    const cut = { ...recorded, entries: recorded.entries.slice(0, 2) };
    const replay = await replayRecordedRun(agent, cut);
    expect(replay.wentPastRecording).toBe(true);
    expect(replay.outcome).toMatchObject({ status: "failed", failure: { kind: "model_error" } });
  });

  it("becomes a script: the production conversation runs offline, with the tools live", async () => {
    reads = 0;
    const script = scriptFromRecordedRuns([recorded]);
    const outcome = await runLlmAgent({
      agent,
      model: {
        modelString: "scripted:fixture",
        provider: createScriptedProvider("fixture", script),
        model: "fixture",
        price: undefined,
      },
      input: { question: "what is x?" },
      upstream: {},
      budget: { maxSteps: 5 },
      deadlineMs: Date.now() + 10_000,
      signal: new AbortController().signal,
      cancelled: () => false,
      goalId: "g2",
      tenant: "acme",
      subtaskId: "s1",
      logger: createLogger({ service: "test", level: "silent" }),
      services: { emit: async () => {}, effects: createMemoryEffectsLedger(), propose: async () => {} },
    });
    expect(outcome).toMatchObject({ status: "ok", output: { answer: "x is y" }, usage: { inputTokens: 200 } });
    expect(reads).toBe(1);
  });
});
