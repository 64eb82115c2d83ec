import { defineAction, type ActionDefinition } from "../define-action.ts";
import { RefundRequest, type PaymentsClient } from "./payments-client.ts";

/**
 * `issue_refund({ orderId, amountUsd, reason })`: the executor's side of the refunds agent's destructive tool. Calls
 * the payments API with the proposal id as its `Idempotency-Key`, and returns `{ refundId, status }`.
 */
export function createIssueRefundAction(payments: PaymentsClient): ActionDefinition<typeof RefundRequest> {
  return defineAction({
    tool: "issue_refund",
    description: `Refunds an amount of an order to the original payment method (payments: ${payments.mode}).`,
    input: RefundRequest,
    run: (args, ctx) => {
      ctx.logger.info(
        { event: "refund.requested", orderId: args.orderId, amountUsd: args.amountUsd, payments: payments.mode },
        `refunding ${args.amountUsd} USD on order ${args.orderId}`,
      );
      return payments.refund(args, { idempotencyKey: ctx.idempotencyKey, signal: ctx.signal });
    },
  });
}
