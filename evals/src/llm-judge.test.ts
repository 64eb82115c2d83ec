import { registerScript } from "@switchyard/models";
import { describe, expect, it } from "vitest";
import { createLlmJudge } from "./checks/llm-judge.ts";
import { checkOutcome } from "./checks/outcome-check.ts";
import { OutcomeCheck, JudgeSpec } from "./eval-case.ts";
import { goalResult, observation } from "./fixture-events.test-helpers.ts";

// An offline judge: it reads what the real one reads (rubric, goal, output) and grades politeness by a word.
registerScript("judge-polite", {
  reply: ({ request }) => {
    const prompt = request.messages[0]?.role === "user" ? request.messages[0].content : "";
    const polite = /sorry|thank/i.test(prompt.split("Output (data):")[1] ?? "");
    return {
      toolCalls: [
        { name: "verdict", args: { score: polite ? 0.9 : 0.2, reason: polite ? "apologises" : "curt reply" } },
      ],
    };
  },
});
registerScript("judge-broken", { reply: () => ({ text: "I think it is fine." }) });

const spec = JudgeSpec.parse({ rubric: "The reply is polite to the customer.", model: "scripted:judge-polite" });

describe("the LLM judge", () => {
  it("grades the output against the rubric, and the outcome passes at the judge's threshold", async () => {
    const judge = createLlmJudge(spec);
    const polite = observation([], goalResult({ output: { body: "Sorry for the trouble, we refunded you." } }));
    const curt = observation([], goalResult({ output: { body: "Refunded." } }));
    expect(await judge(polite, "Refund my order")).toEqual({ score: 0.9, reason: "apologises" });

    const outcome = OutcomeCheck.parse({ judge: spec });
    expect(await checkOutcome(outcome, polite, undefined, await judge(polite, "Refund my order"))).toMatchObject({
      pass: true,
      reason: "judge: apologises (0.90)",
    });
    expect(await checkOutcome(outcome, curt, undefined, await judge(curt, "Refund my order"))).toMatchObject({
      pass: false,
      score: 0,
      reason: "judge: curt reply (0.20, needs 0.7)",
    });
  });

  it("fails a case whose judge gives no verdict, saying so", async () => {
    const judge = createLlmJudge({ ...spec, model: "scripted:judge-broken" });
    const verdict = await judge(observation([]), "Refund my order");
    expect(verdict.score).toBe(0);
    expect(verdict.reason).toMatch(/gave no valid verdict: I think it is fine\./);
  });

  it("refuses a model it cannot resolve before anything runs", () => {
    expect(() =>
      createLlmJudge({ ...spec, model: "anthropic:claude-x" }, (m) => {
        throw new Error(`${m}: ANTHROPIC_API_KEY is not set`);
      }),
    ).toThrow(/ANTHROPIC_API_KEY is not set/);
  });
});
