import { z } from "zod";

// The writer reads the classifier's and the researcher's outputs. Packages never import each other, so these are
// the writer's own copies of those shapes: what it needs, checked at its input.

/** A ticket's classification (the classifier's output). */
export const Classification = z.object({
  category: z.enum(["refund", "shipping", "account", "other"]),
  urgency: z.enum(["low", "normal", "high"]),
  summary: z.string().min(1),
});

/** What was found about the ticket (the researcher's output). */
export const Research = z.object({
  answer: z.string(),
  facts: z.array(z.string()),
  sources: z.array(z.string()),
});

/** Input of the writer: the ticket, its classification and the research behind the reply. */
export const WriterInput = z.object({
  ticket: z.string().min(1).describe("The customer's ticket, verbatim."),
  classification: Classification,
  research: Research,
});
export type WriterInput = z.infer<typeof WriterInput>;

/** Output of the writer: a reply ready for a person to review and send. */
export const WriterOutput = z.object({
  subject: z.string().min(1),
  body: z.string().min(1),
});
export type Reply = z.infer<typeof WriterOutput>;
