import type { ExecutorEnv } from "../config.ts";
import type { ActionDefinition } from "../define-action.ts";
import { createIssueRefundAction } from "./issue-refund.ts";
import { createOfflinePayments } from "./offline-payments.ts";
import { createHttpPayments, type PaymentsClient } from "./payments-client.ts";

/** The payments client the environment asks for: the HTTP API at `SY_PAYMENTS_URL`, else the offline stub. */
export function paymentsFromEnv(env: Pick<ExecutorEnv, "SY_PAYMENTS_URL" | "SY_PAYMENTS_TOKEN">): PaymentsClient {
  return env.SY_PAYMENTS_URL === undefined
    ? createOfflinePayments()
    : createHttpPayments({ baseUrl: env.SY_PAYMENTS_URL, token: env.SY_PAYMENTS_TOKEN });
}

/** The example actions the executor process runs: `issue_refund` (for the refunds agent). */
export function exampleActions(env: ExecutorEnv): ActionDefinition[] {
  return [createIssueRefundAction(paymentsFromEnv(env))];
}
