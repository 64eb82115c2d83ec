import type { RecordedRun } from "@switchyard/contracts";
import { createScriptedProvider } from "./scripted-provider.ts";
import type { ModelRequest } from "./types.ts";
import { describe, expect, it } from "vitest";
import { scriptFromRecordedRuns } from "./recorded-script.ts";

const response = (name: string, args: unknown, tokens: number) => ({
  kind: "model" as const,
  attempt: 1,
  response: {
    text: "",
    toolCalls: [{ id: "c1", name, args, rawArgs: JSON.stringify(args) }],
    usage: { inputTokens: tokens, outputTokens: 10 },
    stopReason: "tool_use",
  },
});

const recording = (input: unknown, entries: unknown[]) =>
  ({ agent: "refunds", goalId: "g", subtaskId: "refund", root: 1, task: { input }, entries }) as unknown as RecordedRun;

const request = (input: unknown, assistantTurns: number): ModelRequest =>
  ({
    model: "x",
    system: "s",
    tools: [],
    signal: new AbortController().signal,
    messages: [
      { role: "user", content: `Task input:\n${JSON.stringify(input)}` },
      ...Array.from({ length: assistantTurns }, () => ({ role: "assistant", text: "", toolCalls: [] })),
    ],
  }) as unknown as ModelRequest;

describe("scriptFromRecordedRuns", () => {
  const runs = [
    recording({ orderId: "A-1", request: "refund" }, [
      response("get_order", { orderId: "A-1" }, 100),
      response("final_answer", { answer: 1 }, 200),
    ]),
    recording({ orderId: "A-2" }, [response("final_answer", { answer: 2 }, 50)]),
  ];
  const model = createScriptedProvider("eval-replay", scriptFromRecordedRuns(runs));

  it("answers each turn with the recorded response of the run whose task input matches (key order ignored)", async () => {
    const first = await model.complete(request({ request: "refund", orderId: "A-1" }, 0));
    expect(first.toolCalls.map((c) => [c.name, c.args])).toEqual([["get_order", { orderId: "A-1" }]]);
    expect(first.usage).toEqual({ inputTokens: 100, outputTokens: 10 });
    const second = await model.complete(request({ orderId: "A-1", request: "refund" }, 1));
    expect(second.toolCalls[0]?.args).toEqual({ answer: 1 });
    expect((await model.complete(request({ orderId: "A-2" }, 0))).toolCalls[0]?.args).toEqual({ answer: 2 });
  });

  it("fails clearly for an unknown task or past the end of the recording", async () => {
    await expect(model.complete(request({ orderId: "A-9" }, 0))).rejects.toThrow(/none has this task input/);
    await expect(model.complete(request({ orderId: "A-2" }, 1))).rejects.toThrow(/has 1 model responses/);
  });
});
