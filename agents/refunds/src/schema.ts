import { z } from "zod";

/** Input of the refunds agent: the order and the customer's request in their words. */
export const RefundsInput = z.object({
  orderId: z.string().min(1).describe("The order to refund, e.g. A-1001."),
  request: z.string().min(1).describe("The customer's request, verbatim."),
});
export type RefundsInput = z.infer<typeof RefundsInput>;

/** Output of the refunds agent: the decision and why. */
export const RefundsOutput = z.object({
  decision: z
    .enum(["refund", "deny", "escalate"])
    .describe("refund: proposed for approval; escalate: a person decides."),
  amountUsd: z.number().nonnegative().describe("The refund proposed, in USD; 0 unless the decision is refund."),
  rationale: z.string().min(1),
});
export type RefundDecision = z.infer<typeof RefundsOutput>;
