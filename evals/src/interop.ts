// JSONL that other eval tools read. The mapping (also in the README):
// - promptfoo (test cases, `tests: file://cases.jsonl`): { vars: { text, plan, input }, assert: [...], description }
//   with `equals` on the reference output and `javascript` asserts for status;
// - OpenAI Evals (samples JSONL): { input: [{ role: "user", content }], ideal: <reference output as JSON text> };
// - Inspect (`json_dataset`): { id, input, target, metadata: { plan, input, tags } };
// - results: one line per case with { id, suite, pass, score, status, checks, metrics } (any tool's "results").
import type { EvalCase } from "./eval-case.ts";
import type { EvalReport } from "./eval-report.ts";

/** The export formats of datasets. */
export const INTEROP_FORMATS = ["promptfoo", "openai-evals", "inspect"] as const;
export type InteropFormat = (typeof INTEROP_FORMATS)[number];

const userText = (c: EvalCase) =>
  c.goal.input === undefined ? c.goal.text : `${c.goal.text}\n\nInput: ${JSON.stringify(c.goal.input)}`;

/** One dataset line for `format`. */
export function exportCase(c: EvalCase, format: InteropFormat): unknown {
  const reference = c.checks.outcome?.output;
  const status = c.checks.outcome?.status;
  switch (format) {
    case "promptfoo":
      return {
        description: c.description ?? c.id,
        vars: { id: c.id, text: c.goal.text, plan: c.goal.plan, input: c.goal.input },
        assert: [
          ...(reference === undefined ? [] : [{ type: "equals", value: reference }]),
          ...(status === undefined
            ? []
            : [{ type: "javascript", value: `JSON.parse(output).status === ${JSON.stringify(status)}` }]),
        ],
        metadata: { tags: c.tags },
      };
    case "openai-evals":
      return {
        input: [{ role: "user", content: userText(c) }],
        ideal: reference === undefined ? "" : JSON.stringify(reference),
      };
    case "inspect":
      return {
        id: c.id,
        input: userText(c),
        target: reference === undefined ? "" : JSON.stringify(reference),
        metadata: { plan: c.goal.plan, input: c.goal.input, tags: c.tags },
      };
  }
}

/** A report's results as JSONL lines (one per case). */
export function exportResults(report: EvalReport): string {
  return (
    report.cases
      .map((c) =>
        JSON.stringify({
          id: c.id,
          suite: c.suite,
          pass: c.pass,
          score: c.score,
          status: c.status,
          checks: c.checks,
          metrics: c.metrics,
          ...(c.humanScores === undefined ? {} : { humanScores: c.humanScores }),
        }),
      )
      .join("\n") + "\n"
  );
}
