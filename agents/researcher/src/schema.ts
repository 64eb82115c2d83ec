import { z } from "zod";

/** Input of the researcher: the question, and the customer and order it is about when known. */
export const ResearcherInput = z.object({
  question: z.string().min(1).describe("The customer's question or ticket."),
  // Optional: a template reference to a missing goal field arrives as undefined.
  customerId: z.string().min(1).optional().describe("The customer's id, e.g. C-42."),
  orderId: z.string().min(1).optional().describe("The order's id, e.g. A-1001."),
});
export type ResearcherInput = z.infer<typeof ResearcherInput>;

/** Output of the researcher: an answer grounded in tool results, and where it came from. */
export const ResearcherOutput = z.object({
  answer: z.string().min(1).describe("The answer to the question, citing article ids in brackets."),
  facts: z.array(z.string()).describe("Facts found in the knowledge base and the customer/order records."),
  sources: z.array(z.string()).describe("Ids of the knowledge-base articles the answer relies on."),
});
export type Research = z.infer<typeof ResearcherOutput>;
