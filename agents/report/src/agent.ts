import { defineAgent } from "@switchyard/agent-kit";
import { z } from "zod";

/** Input of the report agent: the original text and the key terms found upstream. */
export const ReportInput = z.object({
  text: z.string().min(1),
  keywords: z.array(z.object({ term: z.string(), count: z.int().positive() })),
});

/** Output of the report agent. */
export const ReportOutput = z.object({
  headline: z.string(),
  summary: z.string(),
  topics: z.array(z.string()),
});

/** A short, deterministic report: the first sentence as headline, the terms as topics. */
export function writeReport(input: z.infer<typeof ReportInput>): z.infer<typeof ReportOutput> {
  const firstSentence = input.text.trim().split(/(?<=[.!?])\s+/)[0] ?? input.text;
  const headline = firstSentence.length > 120 ? `${firstSentence.slice(0, 117)}...` : firstSentence;
  const topics = input.keywords.map((k) => k.term);
  const summary =
    topics.length === 0
      ? "The text has no recurring terms."
      : `The text is mostly about ${topics.slice(0, 3).join(", ")}` +
        (topics.length > 3 ? `, with mentions of ${topics.slice(3).join(", ")}.` : ".");
  return { headline, summary, topics };
}

/** Writes a short report from upstream keywords: a handler agent, no model. */
export const reportAgent = defineAgent({
  name: "report",
  version: "1.0.0",
  description: "Writes a short report (headline, summary, topics) from a text and its key terms. Deterministic.",
  input: ReportInput,
  output: ReportOutput,
  budget: { maxMs: 10_000 },
  handler: async (input) => writeReport(input),
});
