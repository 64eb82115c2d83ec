import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createLogger } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActionContext } from "../define-action.ts";
import { createIssueRefundAction } from "./issue-refund.ts";
import { createOfflinePayments } from "./offline-payments.ts";
import { createHttpPayments } from "./payments-client.ts";

// A tiny payments API: answers from `reply`, records what it got.
const seen: Array<{ url?: string; headers: IncomingHttpHeaders; body: string }> = [];
let reply = { status: 200, body: JSON.stringify({ refundId: "re_1", status: "issued", extra: true }) };
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    seen.push({ url: req.url, headers: req.headers, body });
    res.writeHead(reply.status, { "content-type": "application/json" }).end(reply.body);
  });
});
let baseUrl = "";
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const ctx = (idempotencyKey: string): ActionContext => ({
  idempotencyKey,
  proposal: {
    id: idempotencyKey,
    goalId: "g1",
    subtaskId: "s1",
    agent: "refunds",
    tool: "issue_refund",
    args: {},
    argsHash: "h",
    effectKey: "k",
    reason: "r",
    kind: "destructive",
    status: "approved",
  },
  signal: new AbortController().signal,
  logger: createLogger({ service: "test", level: "silent" }),
});
const args = { orderId: "A-1001", amountUsd: 129, reason: "too small" };

describe("issue_refund over HTTP", () => {
  it("POSTs /refunds as JSON with the idempotency key and the bearer token, and returns { refundId, status }", async () => {
    const action = createIssueRefundAction(createHttpPayments({ baseUrl, token: "sk_test" }));
    expect(await action.run(args, ctx("p-42"))).toEqual({ refundId: "re_1", status: "issued" });
    const req = seen.at(-1);
    expect(req?.url).toBe("/refunds");
    expect(req?.headers["idempotency-key"]).toBe("p-42");
    expect(req?.headers["authorization"]).toBe("Bearer sk_test");
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(req?.body ?? "")).toEqual(args);
  });

  it("throws on a non-2xx answer with its status and body", async () => {
    reply = { status: 409, body: '{"error":"refund exceeds order total"}' };
    const action = createIssueRefundAction(createHttpPayments({ baseUrl }));
    await expect(action.run(args, ctx("p-43"))).rejects.toThrow(
      /payments API answered 409 Conflict: \{"error":"refund exceeds order total"\}/,
    );
    expect(seen.at(-1)?.headers["authorization"]).toBeUndefined();
  });

  it("throws on a 2xx answer without a refund id", async () => {
    reply = { status: 200, body: "ok" };
    const action = createIssueRefundAction(createHttpPayments({ baseUrl }));
    await expect(action.run(args, ctx("p-44"))).rejects.toThrow(/answered 200 without \{ refundId, status \}: ok/);
  });
});

describe("issue_refund offline", () => {
  it("answers a deterministic refund id per idempotency key and sends nothing", async () => {
    const before = seen.length;
    const action = createIssueRefundAction(createOfflinePayments());
    const first = await action.run(args, ctx("p-1"));
    expect(first).toEqual({ refundId: expect.stringMatching(/^re_offline_[0-9a-f]{16}$/), status: "issued" });
    expect(await action.run(args, ctx("p-1"))).toEqual(first);
    expect(await action.run(args, ctx("p-2"))).not.toEqual(first);
    expect(seen.length).toBe(before);
  });
});
