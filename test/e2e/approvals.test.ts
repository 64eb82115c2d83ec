// The approval flow on the coordinator's side: proposals become pending records, a validator policy approves small
// ones, a person decides the rest (once, however often the decision is delivered), expiry rejects, and a rejection
// ends the paused subtask with the reason in the goal's result.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { defineAgent, defineTool, registerScript, serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { z } from "zod";
import { refundsAgent } from "@switchyard/agent-refunds";
import { ApprovalDecision, ApprovalRecord, ApprovedAction, Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, loadTemplateCatalog, type Coordinator } from "@switchyard/coordinator";
import { createLogger, getJson, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT, runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinators: Coordinator[] = [];
let agent: ServedAgent;
let mailer: ServedAgent;
const executeRequests: ApprovedAction[] = [];
const sent: string[] = [];

// A write tool whose policy wants a person for every email: approving it lets the agent send exactly that email.
const sendEmail = defineTool({
  name: "send_email",
  description: "Sends an email.",
  kind: "write",
  input: z.object({ to: z.string(), body: z.string() }),
  output: z.object({ sent: z.boolean() }),
  confirm: () => ({ decision: "require_approval", reason: "every email needs a person" }),
  run: async ({ to }) => {
    sent.push(to);
    return { sent: true };
  },
});
registerScript("mailer", {
  reply: ({ turn }) =>
    turn === 0
      ? {
          text: "Writing to the customer.",
          toolCalls: [{ name: "send_email", args: { to: "dana@example.com", body: "Sorry!" } }],
        }
      : {
          toolCalls: [
            {
              name: "final_answer",
              args: { answer: { mailed: true }, assessment: { established: [], assumed: [], unknown: [] } },
            },
          ],
        },
});
const mailerAgent = defineAgent({
  name: "mailer",
  version: "1.0.0",
  description: "Test fixture: emails a customer.",
  input: z.object({ text: z.string() }),
  output: z.object({ mailed: z.boolean() }),
  instructions: "Email the customer, then answer.",
  tools: [sendEmail],
  model: "scripted:mailer",
});

beforeAll(async () => {
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  bus.nc.subscribe(bus.names.subjects.actionExecute, {
    callback: (_e, m) => void executeRequests.push(ApprovedAction.parse(m.json())),
  });
  const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));
  const approvalPolicies = {
    reviewMs: 60_000,
    tools: { issue_refund: { autoApprove: { path: "amountUsd", max: 50 } } },
  };
  coordinators = [await createCoordinator({ bus, buckets, logger, templates, approvalPolicies })];
  agent = await serveAgent({ agent: refundsAgent, bus, buckets, logger });
  mailer = await serveAgent({ agent: mailerAgent, bus, buckets, logger });
});

afterAll(async () => {
  log.stop();
  await agent?.stop();
  await mailer?.stop();
  for (const c of coordinators) await c.stop();
  await bus?.close();
  await server?.stop();
});

const cli = (...args: string[]) => runCli({ ...testEnv(server, prefix), SY_USER: "reviewer-rita" }, ...args);

async function refundGoal(orderId: string) {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "dana",
    text: `Please refund order ${orderId}, it broke.`,
    plan: "refund",
    input: { orderId },
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
  const paused = await log.waitForResult(id);
  expect(paused.status).toBe("needs_approval");
  const proposalId = paused.pendingApprovals[0] ?? "";
  return { id, proposalId };
}

const record = async (proposalId: string) =>
  (await getJson(buckets.approvals, bus.names.keys.proposal(proposalId), ApprovalRecord))?.value;

describe("approvals", () => {
  it("a refund within the policy is approved automatically and sent to the executor", async () => {
    const { proposalId } = await refundGoal("A-1002");
    await expect.poll(async () => (await record(proposalId))?.proposal.status).toBe("approved");
    const r = await record(proposalId);
    expect(r).toMatchObject({ autoDecided: true, proposal: { decidedBy: "policy", args: { amountUsd: 24 } } });
    await expect.poll(() => executeRequests.filter((e) => e.proposal.id === proposalId)).toHaveLength(1);
  });

  it("a refund above the threshold waits in `approvals list`, and a rejection fails the goal with the reason", async () => {
    const { id, proposalId } = await refundGoal("A-1001");
    const listed = JSON.parse((await cli("approvals", "list", "--json")).stdout) as Array<{
      id: string;
      status: string;
    }>;
    expect(listed.find((p) => p.id === proposalId)).toMatchObject({ status: "pending", tool: "issue_refund" });

    const { stdout } = await cli("approvals", "reject", proposalId, "--reason", "customer already got a voucher");
    expect(stdout).toMatch(/rejected by reviewer-rita at .*: customer already got a voucher/);
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id);
    expect(final).toMatchObject({ status: "failed", failure: { kind: "policy_denied" } });
    const result = log.results.filter((r) => r.goalId === id).at(-1);
    expect(result?.failure?.message).toMatch(
      /issue_refund .* rejected by reviewer-rita: customer already got a voucher/,
    );
    expect(executeRequests.some((e) => e.proposal.id === proposalId)).toBe(false);
  });

  it("a decision delivered twice decides once", async () => {
    const { proposalId } = await refundGoal("A-1001");
    const decision = (decision: "approved" | "rejected") =>
      ApprovalDecision.parse({ v: WIRE_VERSION, proposalId, decision, at: new Date().toISOString() });
    // The person is the subject's token, which the server pins to that person's identity.
    const decide = (person: string, d: "approved" | "rejected") =>
      publishJson(bus, bus.names.subjects.approvalDecide(person), ApprovalDecision, decision(d));
    await decide("ann", "approved");
    await decide("ann", "approved");
    await decide("bob", "rejected");
    await expect.poll(async () => (await record(proposalId))?.proposal.status).toBe("approved");
    // All three decisions handled (acked) by the coordinator; the duplicates must have changed nothing.
    await expect
      .poll(async () => {
        const info = await bus.jsm.consumers.info(
          bus.names.streams.proposals,
          bus.names.consumers.coordinatorDecisions,
        );
        return info.num_pending + info.num_ack_pending;
      })
      .toBe(0);
    expect((await record(proposalId))?.proposal.decidedBy).toBe("ann");
    expect(executeRequests.filter((e) => e.proposal.id === proposalId)).toHaveLength(1);
  });
});

describe("writes that need a person", () => {
  it("wait in the same queue; once approved the agent makes exactly that call, once, and the goal completes", async () => {
    const id = randomUUID();
    const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "dana", text: "mail dana", plan: "mail" });
    await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
    const paused = await log.waitForResult(id);
    expect(paused.status).toBe("needs_approval");
    expect(sent).toEqual([]);
    const proposalId = paused.pendingApprovals[0] ?? "";
    expect(paused.subtasks[0]?.proposals?.[0]).toMatchObject({
      kind: "write",
      tool: "send_email",
      reason: expect.stringMatching(/every email needs a person/),
    });

    await cli("approvals", "approve", proposalId, "--reason", "fine");
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 15_000);
    expect(final).toMatchObject({ status: "ok" });
    expect(sent).toEqual(["dana@example.com"]);
    expect(executeRequests.some((e) => e.proposal.id === proposalId)).toBe(false);
  });
});

describe("expiry", () => {
  it("a proposal nobody decides before its review deadline is rejected automatically", async () => {
    const templates = loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json"));
    // A second replica with a short review window takes over: stop the first so this one handles the proposal.
    await coordinators[0]?.stop();
    coordinators = [
      await createCoordinator({ bus, buckets, logger, templates, approvalPolicies: { reviewMs: 1_000 } }),
    ];
    const { id, proposalId } = await refundGoal("A-1001");
    await expect.poll(async () => (await record(proposalId))?.proposal.status, { timeout: 15_000 }).toBe("expired");
    expect((await record(proposalId))?.proposal.decidedBy).toBe("policy:expiry");
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 10_000);
    expect(final).toMatchObject({ status: "failed", failure: { kind: "policy_denied" } });
  });
});
