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
import { serveExecutor, type ServedExecutor } from "@switchyard/executor";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { recordingRefundAction, type RecordedRefund } from "../fixtures/recording-refunds.ts";
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
const refunds: RecordedRefund[] = [];

const issueRefund = recordingRefundAction(refunds);

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

  // The goal's history says who let it go on, before it ended; the trace shows the decision, the run and the resume.
  const resumed = await log.waitForEvent((e) => e.type === "goal.resumed" && e.goalId === id);
  expect(resumed).toMatchObject({ answeredBy: "reviewer-rita", proposalId, subtaskIds: ["refund"] });
  const order = log.events.filter((e) => e.goalId === id).map((e) => e.type);
  expect(order.indexOf("goal.resumed")).toBeLessThan(order.indexOf("goal.finished"));
  type Node = { type: string; label: string; status?: string; children: Node[] };
  const tree = JSON.parse((await cli("trace", id, "--json")).stdout) as Node;
  expect(tree.status).toBe("ok");
  const refundNode = tree.children.find((c) => c.label.startsWith("refund →"));
  expect(refundNode?.status).toBe("ok");
  const find = (n: Node, type: string): Node | undefined =>
    n.type === type ? n : n.children.map((c) => find(c, type)).find((c) => c !== undefined);
  const proposal = find(tree, "proposal.created");
  expect(proposal?.status).toBe("executed");
  expect(proposal?.children.map((c) => [c.type, c.label, c.status])).toEqual([
    ["proposal.decided", "approved by reviewer-rita", "approved"],
    ["action.finished", "executor ran issue_refund", "executed"],
  ]);
  expect(tree.children.slice(-2).map((c) => [c.type, c.label])).toEqual([
    ["goal.paused", "paused for an approval"],
    ["goal.resumed", "resumed by reviewer-rita"],
  ]);
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
