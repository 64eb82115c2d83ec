export { getOrderTool, issueRefundTool, refundsAgent } from "./agent.ts";
export { findOrder, Order, ORDERS } from "./data/orders.ts";
export { AUTO_APPROVAL_LIMIT_USD, REFUND_WINDOW_DAYS } from "./policy.ts";
export { RefundsInput, RefundsOutput, type RefundDecision } from "./schema.ts";
export { REFUNDS_SCRIPT } from "./script.ts";
