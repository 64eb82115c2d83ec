// The refund policy the agent applies; the knowledge base's refund-policy article says the same in words.

/** Orders can be refunded up to this many days after delivery. */
export const REFUND_WINDOW_DAYS = 30;

/**
 * Refunds up to this amount may be approved without a person; larger ones wait for a reviewer. The agent proposes
 * every refund alike (`issue_refund` is destructive); the approval service applies this threshold.
 */
export const AUTO_APPROVAL_LIMIT_USD = 50;
