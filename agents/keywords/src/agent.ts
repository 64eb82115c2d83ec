import { defineAgent } from "@switchyard/agent-kit";
import { z } from "zod";

// Words that carry no topic; kept short on purpose: this is an example agent, not a linguistics library.
const STOPWORDS = new Set(
  "a an and are as at be but by for from has have how i if in into is it its me my not of on or our so that the their them then there these they this to was we were what when where which who why will with you your".split(
    " ",
  ),
);

/** Input of the keywords agent. */
export const KeywordsInput = z.object({
  text: z.string().min(1).describe("The text to analyse."),
  top: z.int().min(1).max(50).default(5).describe("How many terms to return."),
});

/** Output of the keywords agent. */
export const KeywordsOutput = z.object({
  words: z.int().nonnegative().describe("Number of words in the text."),
  keywords: z.array(z.object({ term: z.string(), count: z.int().positive() })),
});

/** The most frequent non-stopword terms of a text, most frequent first (ties by first appearance). */
export function extractKeywords(text: string, top: number): z.infer<typeof KeywordsOutput> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? [];
  const counts = new Map<string, number>();
  for (const w of words) if (w.length > 2 && !STOPWORDS.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const keywords = [...counts.entries()]
    .map(([term, count], order) => ({ term, count, order }))
    .sort((a, b) => b.count - a.count || a.order - b.order)
    .slice(0, top)
    .map(({ term, count }) => ({ term, count }));
  return { words: words.length, keywords };
}

/** Extracts key terms deterministically: a handler agent, no model. */
export const keywordsAgent = defineAgent({
  name: "keywords",
  version: "1.0.0",
  description: "Finds the most frequent meaningful terms of a text. Deterministic, no model, no tools.",
  input: KeywordsInput,
  output: KeywordsOutput,
  budget: { maxMs: 10_000 },
  handler: async ({ text, top }) => extractKeywords(text, top),
});
