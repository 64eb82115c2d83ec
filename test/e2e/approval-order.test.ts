// Inputs of a goal may arrive in any order. Here the worst one for approvals: the agent's proposal is approved by the
// policy and the executor has already paid it before the agent's `needs_approval` result reaches the coordinator
// (under load the two are tens of milliseconds apart, either way round). The goal must still finish, paid once.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { ActionProposal, ApprovalRecord, Goal, SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createHttpPayments, createIssueRefundAction, serveExecutor, type ServedExecutor } from "@switchyard/executor";
import {
  argsHashOf,
  createLogger,
  getJson,
  proposalIdOf,
  publishJson,
  type Buckets,
  type Bus,
} from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let payments: FakePayments;
let coordinator: Coordinator;
let executor: ServedExecutor;

beforeAll(async () => {
  server = await startTestNats();
  payments = await startFakePayments();
  ({ bus, buckets } = await connectTestBus(server, uniquePrefix()));
  log = collectEvents(bus.nc, bus.names);
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    templates: loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json")),
    approvalPolicies: { reviewMs: 600_000, tools: { issue_refund: { autoApprove: { path: "amountUsd", max: 50 } } } },
  });
  executor = await serveExecutor({
    actions: [createIssueRefundAction(createHttpPayments({ baseUrl: payments.url }))],
    bus,
    buckets,
    logger,
  });
});

afterAll(async () => {
  log?.stop();
  await executor?.stop();
  await coordinator?.stop();
  await bus?.close();
  await payments?.close();
  await server?.stop();
});

it("a proposal approved and executed before the result that asked for it still lets the goal finish, paid once", async () => {
  // No refunds agent runs: the test plays it, so it can deliver the two messages in the unlucky order.
  const goalId = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id: goalId,
    tenant: "acme",
    user: "dana",
    text: "Refund order A-1002.",
    plan: "refund",
    input: { orderId: "A-1002" },
  });
  await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: goalId });
  const dispatched = await log.waitForEvent((e) => e.type === "subtask.dispatched" && e.goalId === goalId);
  const attempt = dispatched.type === "subtask.dispatched" ? dispatched.attempt : 1;

  // What the kit derives for the call issue_refund({ orderId: "A-1002", amountUsd: 24, reason }).
  const args = { orderId: "A-1002", amountUsd: 24, reason: "broken on arrival" };
  const argsHash = argsHashOf(args);
  const effectKey = bus.names.keys.effect("refunds", goalId, "refund", "issue_refund", argsHash);
  const proposal: ActionProposal = {
    id: proposalIdOf(effectKey),
    goalId,
    subtaskId: "refund",
    agent: "refunds",
    tool: "issue_refund",
    args,
    argsHash,
    effectKey,
    reason: "within the refund window",
    kind: "destructive",
    status: "pending",
  };

  // 1. The proposal first: approved by the policy, run by the executor, its outcome applied to the record.
  await publishJson(bus, bus.names.subjects.proposals("refunds"), ActionProposal, proposal);
  await expect.poll(() => payments.requests.length, { timeout: 20_000 }).toBe(1);
  await expect
    .poll(
      async () =>
        (await getJson(buckets.approvals, bus.names.keys.proposal(proposal.id), ApprovalRecord))?.value.proposal.status,
      { timeout: 20_000 },
    )
    .toBe("executed");

  // 2. Then the agent's result that asked for it.
  const now = new Date().toISOString();
  const result = SubtaskResult.parse({
    v: WIRE_VERSION,
    goalId,
    subtaskId: "refund",
    idempotencyKey: `${goalId}/refund`,
    agent: "refunds",
    attempt,
    status: "needs_approval",
    partialOutput: { decision: "refund", amountUsd: 24, rationale: "within the window" },
    proposals: [proposal],
    usage: { steps: 2, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 5 },
    instance: "test",
    startedAt: now,
    finishedAt: now,
  });
  await publishJson(bus, bus.names.subjects.results("refunds"), SubtaskResult, result);

  // The goal does not wait for a decision that was already made and carried out.
  await expect
    .poll(() => log.results.filter((r) => r.goalId === goalId).at(-1)?.status, { timeout: 20_000 })
    .toBe("ok");
  expect(payments.requests).toHaveLength(1);
});
