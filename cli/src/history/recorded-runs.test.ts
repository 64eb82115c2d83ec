import { describe, expect, it } from "vitest";
import { recordedRunsOf } from "./recorded-runs.ts";

const model = (attempt: number, tool: string) => ({
  kind: "model",
  attempt,
  response: {
    text: "",
    toolCalls: [{ id: `c-${tool}`, name: tool, args: {}, rawArgs: "{}" }],
    usage: { inputTokens: 10, outputTokens: 1 },
    stopReason: "tool_use",
  },
});
const read = { kind: "read", attempt: 1, toolCallId: "c-lookup", content: "found", isError: false, outcome: "ok" };
const k = (rest: string) => `agent.mailer.journal.g1.mail.${rest}`;

describe("recordedRunsOf", () => {
  it("groups a goal's journal keys into runs, entries in order, with the latest attempt's task and the ledger", () => {
    const { runs, skipped } = recordedRunsOf("g1", [
      { key: k("1.2"), value: model(2, "send_email") },
      { key: k("1.0"), value: model(1, "lookup") },
      { key: k("1.1"), value: read },
      { key: k("attempt.1"), value: { root: 1, input: { text: "first" } } },
      { key: k("attempt.2"), value: { root: 1, input: { text: "first" }, approvedEffects: ["e1"] } },
      // A retry after a failure started its own journal.
      { key: k("attempt.3"), value: { root: 3, input: { text: "again" } } },
      { key: k("3.0"), value: model(3, "lookup") },
      { key: "agent.mailer.effect.g1.mail.send_email.abc", value: { state: "done", result: "{}", at: "t" } },
      // Another goal's keys, and junk.
      { key: "agent.mailer.journal.g2.mail.1.0", value: model(1, "lookup") },
      { key: k("1.3"), value: { kind: "nonsense" } },
    ]);
    expect(runs.map((r) => [r.root, r.entries.map((e) => e.kind)])).toEqual([
      [1, ["model", "read", "model"]],
      [3, ["model"]],
    ]);
    expect(runs[0]?.task).toEqual({ input: { text: "first" }, approvedEffects: ["e1"] });
    expect(runs[1]?.task).toEqual({ input: { text: "again" } });
    expect(runs[0]?.effects).toEqual({
      "agent.mailer.effect.g1.mail.send_email.abc": { state: "done", result: "{}", at: "t" },
    });
    expect(skipped).toBe(2);
  });

  it("finds nothing for a goal without journals", () => {
    expect(recordedRunsOf("g1", [])).toEqual({ runs: [], skipped: 0 });
  });
});
