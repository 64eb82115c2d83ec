import { z } from "zod";

/** Input of the classifier: the customer's ticket as written. */
export const ClassifierInput = z.object({
  ticket: z.string().min(1).describe("The support ticket, verbatim."),
});

/** Output of the classifier: where the ticket goes and how fast. */
export const ClassifierOutput = z.object({
  category: z.enum(["refund", "shipping", "account", "other"]).describe("The team that handles the ticket."),
  urgency: z.enum(["low", "normal", "high"]).describe("How fast it needs an answer."),
  summary: z.string().min(1).describe("One sentence stating the customer's issue."),
});
export type Classification = z.infer<typeof ClassifierOutput>;
