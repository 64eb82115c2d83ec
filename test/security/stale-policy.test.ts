// An automatic approval given under an older policy is checked again before it runs: the refund was approved by a
// 50 USD rule, the policy then tightened to 10 USD before the executor ran it. The executor refuses it as stale, the
// approval authority checks it against the policy in force, and a person decides; nothing is paid until then.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { refundsAgent } from "@switchyard/agent-refunds";
import { ApprovalRecord, Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createHttpPayments, createIssueRefundAction, serveExecutor, type ServedExecutor } from "@switchyard/executor";
import { createLogger, getJson, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));
const policy = (max: number) => ({
  reviewMs: 600_000,
  tools: { issue_refund: { autoApprove: { path: "amountUsd", max } } },
});
let server: NatsServerHandle;
let prefix: string;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let payments: FakePayments;
let coordinator: Coordinator | undefined;
let agent: ServedAgent;
let executor: ServedExecutor | undefined;

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  payments = await startFakePayments();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  agent = await serveAgent({ agent: refundsAgent, bus, buckets, logger });
});

afterAll(async () => {
  log?.stop();
  await executor?.stop();
  await agent?.stop();
  await coordinator?.stop();
  await bus?.close();
  await payments?.close();
  await server?.stop();
});

const recordOf = async (id: string) =>
  (await getJson(buckets.approvals, bus.names.keys.proposal(id), ApprovalRecord))?.value;

it("re-checks an automatic approval under the policy in force before it runs", async () => {
  // 1. Approved automatically under "refunds up to 50 USD"; no executor runs yet.
  coordinator = await createCoordinator({ bus, buckets, logger, templates, approvalPolicies: policy(50) });
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "dana",
    text: "Please refund order A-1002, it broke.",
    plan: "refund",
    input: { orderId: "A-1002" },
  });
  await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  const paused = await log.waitForResult(id);
  const proposalId = paused.pendingApprovals[0] ?? "";
  await expect.poll(async () => (await recordOf(proposalId))?.proposal.status).toBe("approved");
  const approved = await recordOf(proposalId);
  expect(approved).toMatchObject({ autoDecided: true, proposal: { args: { amountUsd: 24 } } });

  // 2. The policy tightens to 10 USD (a new coordinator version rolls out) before the executor gets to it.
  await coordinator.stop();
  coordinator = await createCoordinator({ bus, buckets, logger, templates, approvalPolicies: policy(10) });
  executor = await serveExecutor({
    actions: [createIssueRefundAction(createHttpPayments({ baseUrl: payments.url }))],
    bus,
    buckets,
    logger,
  });

  // 3. The executor refuses the stale approval; the authority finds 24 > 10 and hands it to a person.
  await expect.poll(async () => (await recordOf(proposalId))?.proposal.status, { timeout: 20_000 }).toBe("pending");
  const rechecked = await recordOf(proposalId);
  expect(rechecked).toMatchObject({ autoDecided: false });
  expect(rechecked?.decisionReason).toMatch(/approval policy changed since it was approved automatically/);
  expect(payments.requests).toEqual([]);

  // 4. A person approves it: it runs once, under their name.
  await runCli({ ...testEnv(server, prefix), SY_USER: "reviewer-rita" }, "approvals", "approve", proposalId);
  await expect.poll(() => payments.requests.length, { timeout: 20_000 }).toBe(1);
  await expect.poll(async () => (await recordOf(proposalId))?.proposal.status, { timeout: 20_000 }).toBe("executed");
  expect((await recordOf(proposalId))?.proposal.decidedBy).toBe("reviewer-rita");
});

it("counts a re-checked approval under the new policy's cumulative ceilings", async () => {
  // Two 24 USD refunds of one user (two goals on the same order; no per-order ceiling here), approved automatically under a rule with no cumulative ceiling, before any
  // executor ran them; the new policy allows 30 USD per user and day: one fits, the other goes to a person.
  await executor?.stop();
  executor = undefined;
  await coordinator?.stop();
  coordinator = await createCoordinator({ bus, buckets, logger, templates, approvalPolicies: policy(50) });
  const proposals: string[] = [];
  for (const orderId of ["A-1002", "A-1002"]) {
    const id = randomUUID();
    const goal = Goal.parse({
      v: WIRE_VERSION,
      id,
      tenant: "acme",
      user: "eli",
      text: `Please refund order ${orderId}, it broke.`,
      plan: "refund",
      input: { orderId },
    });
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
    proposals.push((await log.waitForResult(id)).pendingApprovals[0] ?? "");
  }
  for (const p of proposals) await expect.poll(async () => (await recordOf(p))?.proposal.status).toBe("approved");

  await coordinator.stop();
  const perUser = policy(50);
  coordinator = await createCoordinator({
    bus,
    buckets,
    logger,
    templates,
    approvalPolicies: {
      ...perUser,
      tools: {
        issue_refund: {
          autoApprove: { ...perUser.tools.issue_refund.autoApprove, perUser: { max: 30, window: "1d" } },
        },
      },
    },
  });
  const paidBefore = payments.requests.length;
  executor = await serveExecutor({
    actions: [createIssueRefundAction(createHttpPayments({ baseUrl: payments.url }))],
    bus,
    buckets,
    logger,
  });

  const statuses = () => Promise.all(proposals.map(async (p) => (await recordOf(p))?.proposal.status));
  await expect.poll(async () => (await statuses()).sort(), { timeout: 20_000 }).toEqual(["executed", "pending"]);
  expect(payments.requests.length - paidBefore).toBe(1);
  const waiting = (await Promise.all(proposals.map(recordOf))).find((r) => r?.proposal.status === "pending");
  expect(waiting?.decisionReason).toMatch(/user eli of tenant acme per 1d would exceed 30 \(cumulative policy\)/);
});
