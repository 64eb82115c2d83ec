import { z } from "zod";
import { ExecutorError } from "../errors.ts";

/** A refund to issue. */
export const RefundRequest = z.object({
  orderId: z.string().min(1),
  amountUsd: z.number().positive(),
  reason: z.string().min(1),
});
export type RefundRequest = z.infer<typeof RefundRequest>;

/** What the payments API answers for an issued refund. */
export const Refund = z.object({ refundId: z.string().min(1), status: z.string().min(1) });
export type Refund = z.infer<typeof Refund>;

/** The payments API, as the refund action needs it. */
export type PaymentsClient = {
  /** `http`: a real API; `offline`: the built-in stub. */
  readonly mode: "http" | "offline";
  /** Issues a refund. The same `idempotencyKey` must never refund twice (the API deduplicates on it). */
  refund(request: RefundRequest, opts: { idempotencyKey: string; signal: AbortSignal }): Promise<Refund>;
};

/** Options of {@link createHttpPayments}. */
export type HttpPaymentsOptions = {
  /** Base URL; the refund is `POST <baseUrl>/refunds`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
};

/** Longest part of an error body kept in a failure message. */
const MAX_ERROR_BODY = 500;

/**
 * A payments API over HTTP: `POST /refunds` with the request as JSON and `Idempotency-Key: <key>`, answering
 * `{ refundId, status }`. A non-2xx answer or an unusable body throws `SY_ERR_PAYMENTS` naming the status and body.
 */
export function createHttpPayments(opts: HttpPaymentsOptions): PaymentsClient {
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/refunds`;
  const doFetch = opts.fetch ?? fetch;
  return {
    mode: "http",
    async refund(request, { idempotencyKey, signal }) {
      const res = await doFetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "idempotency-key": idempotencyKey,
          ...(opts.token === undefined ? {} : { authorization: `Bearer ${opts.token}` }),
        },
        body: JSON.stringify(request),
        signal,
      });
      const text = await res.text();
      if (!res.ok) {
        throw new ExecutorError(
          "SY_ERR_PAYMENTS",
          "third_party",
          `payments API answered ${res.status} ${res.statusText}: ${text.slice(0, MAX_ERROR_BODY)}`,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const refund = Refund.safeParse(body);
      if (!refund.success) {
        throw new ExecutorError(
          "SY_ERR_PAYMENTS",
          "third_party",
          `payments API answered ${res.status} without { refundId, status }: ${text.slice(0, MAX_ERROR_BODY)}`,
        );
      }
      return { refundId: refund.data.refundId, status: refund.data.status };
    },
  };
}
