// The support demo's refund, decided by a person: approving it lets the goal finish ok with the refund's result
// (executed once by the executor); rejecting it ends the goal with a clear status and the reviewer's reason.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { classifierAgent } from "@switchyard/agent-classifier";
import { refundsAgent } from "@switchyard/agent-refunds";
import { researcherAgent } from "@switchyard/agent-researcher";
import { writerAgent } from "@switchyard/agent-writer";
import { Goal, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import { createCoordinator, loadApprovalPolicies, type Coordinator } from "@switchyard/coordinator";
import { defineAction, serveExecutor, type ServedExecutor } from "@switchyard/executor";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
let executor: ServedExecutor;
const agents: ServedAgent[] = [];
const refunds: Array<{ orderId: string; amountUsd: number; key: string }> = [];

// The executor's refund action, recording each call (the payments API of this test).
const issueRefund = defineAction({
  tool: "issue_refund",
  description: "Issues a refund.",
  input: z.object({ orderId: z.string(), amountUsd: z.number(), reason: z.string() }),
  run: async ({ orderId, amountUsd }, ctx) => {
    refunds.push({ orderId, amountUsd, key: ctx.idempotencyKey });
    return { refundId: `rf-${ctx.idempotencyKey.slice(0, 8)}`, status: "issued" };
  },
});

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    approvalPolicies: loadApprovalPolicies(join(ROOT, "deploy/approval-policies.json")),
  });
  for (const agent of [classifierAgent, researcherAgent, writerAgent, refundsAgent]) {
    agents.push(await serveAgent({ agent, bus, buckets, logger }));
  }
  executor = await serveExecutor({ actions: [issueRefund], bus, buckets, logger });
});

afterAll(async () => {
  log.stop();
  for (const a of agents) await a.stop();
  await executor?.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

const cli = (...args: string[]) => runCli({ ...testEnv(server, prefix), SY_USER: "reviewer-rita" }, ...args);

async function supportGoal(): Promise<{ id: string; paused: GoalResult }> {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "dana",
    text: "My trail running shoes from order A-1001 fell apart after a week. I want a refund.",
    input: { customerId: "C-42", orderId: "A-1001" },
    plan: "support",
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
  return { id, paused: await log.waitForResult(id) };
}

it("approving the refund above the threshold lets the goal finish ok with the refund's result, executed once", async () => {
  const { id, paused } = await supportGoal();
  expect(paused.status).toBe("needs_approval");
  const proposalId = paused.pendingApprovals[0] ?? "";
  const listed = JSON.parse((await cli("approvals", "list", "--json")).stdout) as Array<{ id: string; status: string }>;
  expect(listed.find((p) => p.id === proposalId)?.status).toBe("pending");

  await cli("approvals", "approve", proposalId, "--reason", "defective product");
  const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 20_000);
  expect(final).toMatchObject({ status: "ok" });
  const result = log.results.filter((r) => r.goalId === id).at(-1);
  const refund = result?.subtasks.find((s) => s.subtaskId === "refund");
  expect(refund).toMatchObject({ status: "ok", output: { decision: "refund", amountUsd: 129 } });
  expect(refund?.proposals?.[0]).toMatchObject({
    status: "executed",
    decidedBy: "reviewer-rita",
    result: { status: "issued" },
  });
  expect(refunds.filter((r) => r.key === proposalId)).toEqual([{ orderId: "A-1001", amountUsd: 129, key: proposalId }]);
});

it("rejecting it ends the goal with a clear status and the reviewer's reason, and nothing is refunded", async () => {
  const { id, paused } = await supportGoal();
  const proposalId = paused.pendingApprovals[0] ?? "";
  await cli("approvals", "reject", proposalId, "--reason", "order was already refunded by phone");
  const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 20_000);
  expect(final).toMatchObject({ status: "failed", failure: { kind: "policy_denied" } });
  const result = log.results.filter((r) => r.goalId === id).at(-1);
  expect(result?.failure).toMatchObject({
    subtaskId: "refund",
    message: expect.stringMatching(/rejected by reviewer-rita: order was already refunded by phone/),
  });
  expect(refunds.some((r) => r.key === proposalId)).toBe(false);
});
