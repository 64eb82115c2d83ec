import { sha256Hex } from "@switchyard/infra";
import type { PaymentsClient } from "./payments-client.ts";

/**
 * The built-in payments stub for offline demos (`SY_PAYMENTS_URL` unset): no money moves and nothing leaves the
 * process. The refund id is derived from the idempotency key, so the same approved action always gets the same id,
 * as a real API that honours `Idempotency-Key` would answer.
 */
export function createOfflinePayments(): PaymentsClient {
  return {
    mode: "offline",
    async refund(_request, { idempotencyKey, signal }) {
      signal.throwIfAborted();
      return { refundId: `re_offline_${sha256Hex(idempotencyKey).slice(0, 16)}`, status: "issued" };
    },
  };
}
