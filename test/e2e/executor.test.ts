// The executor runs an approved action exactly once: against a real nats-server and a fake payments API, with
// approval records written straight into KV and `ApprovedAction`s published by the test (the approval authority's
// part, which runs in the coordinator). The executor never writes approval state: it reports outcomes.
// The crash tests kill -9 a real executor process mid-action and after the outcome is recorded but before the ack.
import { randomBytes } from "node:crypto";
import { Svcm } from "@nats-io/services";
import {
  ActionOutcome,
  ApprovalRecord,
  ApprovedAction,
  WIRE_VERSION,
  type ActionProposal,
} from "@switchyard/contracts";
import {
  ActionEntry,
  createHttpPayments,
  createIssueRefundAction,
  serveExecutor,
  type ServedExecutor,
} from "@switchyard/executor";
import {
  argsHashOf,
  createJson,
  createLogger,
  createMetrics,
  getJson,
  publishJson,
  type Buckets,
  type Bus,
  type ExecutorMetrics,
} from "@switchyard/infra";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, startProcess, type ServiceProcess } from "../fixtures/processes.ts";
import { workStatsOf } from "../fixtures/service-stats.ts";

const logger = createLogger({ service: "test", level: "silent" });
// Redeliveries within a second, so the crash tests are quick.
const FAST = { SY_ACK_WAIT_MS: "1000" };
let server: NatsServerHandle;
let payments: FakePayments;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  server = await startTestNats();
  payments = await startFakePayments();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await payments?.close();
  await server?.stop();
});

type Stack = { bus: Bus; buckets: Buckets; prefix: string; outcomes: ActionOutcome[] };

/** A fresh prefix, the test's own client, and every outcome published on it (core NATS sees republished ones too). */
async function stack(): Promise<Stack> {
  const prefix = uniquePrefix();
  const { bus, buckets } = await connectTestBus(server, prefix, FAST);
  const outcomes: ActionOutcome[] = [];
  const sub = bus.nc.subscribe(bus.names.subjects.actionOutcome, {
    callback: (err, msg) => {
      if (err === null) outcomes.push(ActionOutcome.parse(msg.json()));
    },
  });
  cleanups.push(async () => {
    sub.unsubscribe();
    await bus.close();
  });
  return { bus, buckets, prefix, outcomes };
}

async function serveInProcess(s: Stack, metrics?: ExecutorMetrics): Promise<ServedExecutor> {
  const executor = await serveExecutor({
    actions: [createIssueRefundAction(createHttpPayments({ baseUrl: payments.url }))],
    bus: s.bus,
    buckets: s.buckets,
    logger,
    metrics,
    actionTimeoutMs: 5_000,
  });
  cleanups.push(() => executor.stop());
  return executor;
}

function startExecutorProcess(s: Stack, instance: string, extra: Record<string, string> = {}): ServiceProcess {
  const p = startProcess(
    "executor",
    ENTRIES.executor,
    testEnv(server, s.prefix, { ...FAST, SY_PAYMENTS_URL: payments.url, SY_INSTANCE: instance, ...extra }),
  );
  cleanups.push(() => p.stop(5_000));
  return p;
}

const refundArgs = (amountUsd = 129) => ({ orderId: "A-1001", amountUsd, reason: "The shoes don't fit." });

function proposalFor(args: unknown): ActionProposal {
  const goalId = `g-${randomBytes(4).toString("hex")}`;
  return {
    id: randomBytes(16).toString("hex"),
    goalId,
    subtaskId: "refund",
    agent: "refunds",
    tool: "issue_refund",
    args,
    argsHash: argsHashOf(args),
    effectKey: `agent.refunds.effect.${goalId}.refund.issue_refund.${argsHashOf(args)}`,
    reason: "refund within the policy window",
    kind: "destructive",
    status: "approved",
    decidedBy: "alice",
    decidedAt: new Date().toISOString(),
  };
}

/** Writes the approval record as the coordinator keeps it after a person approved. */
async function approve(s: Stack, proposal: ActionProposal): Promise<void> {
  const now = Date.now();
  await createJson(s.buckets.approvals, s.bus.names.keys.proposal(proposal.id), ApprovalRecord, {
    v: WIRE_VERSION,
    proposal,
    tenant: "acme",
    receivedAt: new Date(now - 60_000).toISOString(),
    reviewBy: new Date(now + 3_600_000).toISOString(),
    autoDecided: false,
  });
}

/** Publishes one delivery of an approved action (no msg id: each call is a separate message). */
async function send(s: Stack, proposal: ActionProposal): Promise<void> {
  await publishJson(s.bus, s.bus.names.subjects.actionExecute, ApprovedAction, {
    v: WIRE_VERSION,
    proposal,
    tenant: "acme",
    approvedBy: "alice",
    approvedAt: new Date().toISOString(),
  });
}

const record = async (s: Stack, id: string) =>
  (await getJson(s.buckets.approvals, s.bus.names.keys.proposal(id), ApprovalRecord))?.value;
const ledgerEntry = async (s: Stack, id: string) => {
  const e = await s.buckets.effects.get(s.bus.names.keys.action(id));
  return e === null ? undefined : ActionEntry.parse(e.json());
};
const outcomesFor = (s: Stack, id: string) => s.outcomes.filter((o) => o.proposalId === id);
/** Outcomes stored in the proposals stream (the coordinator consumes these); msg ids keep one per proposal. */
async function storedOutcomes(s: Stack): Promise<number> {
  const subject = s.bus.names.subjects.actionOutcome;
  const info = await s.bus.jsm.streams.info(s.bus.names.streams.proposals, { subjects_filter: subject });
  return info.state.subjects?.[subject] ?? 0;
}
/** Every approved action was acked: nothing waits for (re)delivery on the executor's consumer. */
async function settledConsumer(s: Stack): Promise<number> {
  const info = await s.bus.jsm.consumers.info(s.bus.names.streams.proposals, s.bus.names.consumers.executor);
  return info.num_pending + info.num_ack_pending;
}

describe("executor, in process", () => {
  it("runs an approved refund once: one POST with the proposal id as Idempotency-Key, record executed", async () => {
    const s = await stack();
    await serveInProcess(s);
    const args = refundArgs();
    const proposal = proposalFor(args);
    await approve(s, proposal);
    await send(s, proposal);

    await expect.poll(() => outcomesFor(s, proposal.id).length, { timeout: 10_000 }).toBe(1);
    const [outcome] = outcomesFor(s, proposal.id);
    expect(outcome).toMatchObject({
      status: "executed",
      goalId: proposal.goalId,
      subtaskId: proposal.subtaskId,
      result: { refundId: expect.stringMatching(/^re_fake_\d+$/), status: "issued" },
    });
    const posts = payments.requestsFor(proposal.id);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: "POST", path: "/refunds", body: args });
    expect(posts[0]?.headers["idempotency-key"]).toBe(proposal.id);

    // The executor records what it ran in its own ledger; the approval record is the authority's to update.
    expect(await ledgerEntry(s, proposal.id)).toMatchObject({ state: "executed", result: outcome?.result });
    expect((await record(s, proposal.id))?.proposal.status).toBe("approved");
    await expect.poll(() => settledConsumer(s)).toBe(0);
  });

  it("registers the NATS micro service `<prefix>-executor` with its prefix and actions", async () => {
    const s = await stack();
    await serveInProcess(s);
    const infos = await new Svcm(s.bus.nc)
      .client({ strategy: "stall", stall: 300, maxWait: 3_000 })
      .info(s.bus.names.services.executor);
    const mine: Array<{ metadata?: Record<string, string> }> = [];
    for await (const info of infos) if (info.metadata?.["sy_prefix"] === s.prefix) mine.push(info);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.metadata?.["sy_actions"]).toBe("issue_refund");
    const reply = await s.bus.nc.request(s.bus.names.subjects.executorActions, "", { timeout: 3_000 });
    expect(reply.json()).toEqual([expect.objectContaining({ tool: "issue_refund", input: expect.any(Object) })]);
  });

  it("reports in $SRV.STATS each action it ran as a request, and a refused one as an error", async () => {
    const s = await stack();
    await serveInProcess(s);
    const operator = (await connectTestBus(server, s.prefix, {}, "operator")).bus;
    cleanups.push(() => operator.close());
    const executions = () => workStatsOf(operator.nc, s.bus.names.services.executor, s.prefix, "executions");

    const approved = proposalFor(refundArgs(25));
    await approve(s, approved);
    await send(s, approved);
    await expect.poll(() => outcomesFor(s, approved.id).length, { timeout: 10_000 }).toBe(1);
    expect(await executions()).toMatchObject({ num_requests: 1, num_errors: 0 });

    // No approval record: refused, an error.
    const unapproved = proposalFor(refundArgs(26));
    await send(s, unapproved);
    await expect.poll(() => outcomesFor(s, unapproved.id).length, { timeout: 10_000 }).toBe(1);
    const stats = await executions();
    expect(stats).toMatchObject({ num_requests: 2, num_errors: 1 });
    expect(stats?.last_error).toMatch(/^refused/);
    expect(stats?.processing_time).toBeGreaterThan(0);
  });

  it("counts each action that ended on it in its metrics by tool and outcome, a replayed outcome not again", async () => {
    const s = await stack();
    const metrics = createMetrics({ service: "executor", role: "executor", defaultMetrics: false });
    await serveInProcess(s, metrics);
    const sample = async (series: string) => {
      const line = (await metrics.text()).split("\n").find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    const executed = 'tool="issue_refund",outcome="executed"';

    const approved = proposalFor(refundArgs(41));
    await approve(s, approved);
    await send(s, approved);
    await expect.poll(() => outcomesFor(s, approved.id).length, { timeout: 10_000 }).toBe(1);
    expect(await sample(`sy_actions_total{${executed}}`)).toBe(1);
    expect(await sample(`sy_action_duration_seconds_count{${executed}}`)).toBe(1);
    expect(await sample(`sy_action_duration_seconds_sum{${executed}}`)).toBeGreaterThan(0);
    // Delivered again: the recorded outcome is published again, the action is neither run nor counted again.
    await send(s, approved);
    await expect.poll(() => outcomesFor(s, approved.id).length, { timeout: 10_000 }).toBe(2);
    // Its `action.finished` event comes after the outcome: once it is counted, the replay is done.
    await expect.poll(() => sample('sy_step_events_total{type="action.finished"}')).toBe(2);
    expect(await sample(`sy_actions_total{${executed}}`)).toBe(1);

    // No approval record: refused, counted as such.
    const unapproved = proposalFor(refundArgs(42));
    await send(s, unapproved);
    await expect.poll(() => outcomesFor(s, unapproved.id).length, { timeout: 10_000 }).toBe(1);
    expect(await sample('sy_actions_total{tool="issue_refund",outcome="refused"}')).toBe(1);
    expect(await sample('sy_actions_total{tool="issue_refund",outcome="failed"}')).toBeUndefined();
    // A tool this executor does not run stays out of the labels.
    const unknown = { ...proposalFor(refundArgs(43)), tool: "wire_money" };
    await send(s, unknown);
    await expect.poll(() => outcomesFor(s, unknown.id).length, { timeout: 10_000 }).toBe(1);
    expect(await sample('sy_actions_total{tool="unknown",outcome="refused"}')).toBe(1);

    // The agents' and the coordinator's families are not its to export.
    await expect.poll(() => sample('sy_step_events_total{type="action.finished"}')).toBe(4);
    await expect.poll(() => sample('sy_in_flight{service="executor"}')).toBe(0);
    expect(await metrics.text()).not.toMatch(/^sy_(model|tool|subtask|goal|approvals|proposals)/m);
  });

  it("the same approved action delivered twice runs once and answers both deliveries with the same outcome", async () => {
    const s = await stack();
    await serveInProcess(s);
    const proposal = proposalFor(refundArgs(40));
    await approve(s, proposal);
    await send(s, proposal);
    await send(s, proposal);

    await expect.poll(() => outcomesFor(s, proposal.id).length, { timeout: 10_000 }).toBe(2);
    const [first, second] = outcomesFor(s, proposal.id);
    expect(first?.status).toBe("executed");
    expect(second?.status).toBe("executed");
    expect(second?.result).toEqual(first?.result);
    expect(payments.requestsFor(proposal.id)).toHaveLength(1);
    // The stream keeps one of the two (same msg id), so the waiting goal resumes once.
    expect(await storedOutcomes(s)).toBe(1);
    await expect.poll(() => settledConsumer(s)).toBe(0);
    expect(await ledgerEntry(s, proposal.id)).toMatchObject({ state: "executed" });
  });

  it("refuses args changed after approval: no POST, nothing in the ledger, outcome refused", async () => {
    const s = await stack();
    await serveInProcess(s);
    const approved = proposalFor(refundArgs(40));
    await approve(s, approved);
    // A message whose args (and hash) are not the approved ones: 4000 USD instead of 40.
    const changedArgs = refundArgs(4_000);
    await send(s, { ...approved, args: changedArgs, argsHash: argsHashOf(changedArgs) });
    // A second proposal whose message keeps the approved hash but carries other args.
    const stale = proposalFor(refundArgs(12));
    await approve(s, stale);
    await send(s, { ...stale, args: refundArgs(1_200) });

    await expect.poll(() => s.outcomes.length, { timeout: 10_000 }).toBe(2);
    expect(outcomesFor(s, approved.id)).toEqual([
      expect.objectContaining({
        status: "refused",
        code: "args_changed",
        error: expect.stringMatching(/args changed after approval/),
      }),
    ]);
    expect(outcomesFor(s, stale.id)).toEqual([
      expect.objectContaining({
        status: "refused",
        code: "args_changed",
        error: expect.stringMatching(/do not match the message's argsHash/),
      }),
    ]);
    for (const p of [approved, stale]) {
      expect(payments.requestsFor(p.id)).toHaveLength(0);
      expect(await ledgerEntry(s, p.id)).toBeUndefined();
    }
  });
});

describe("executor, killed with kill -9", () => {
  it("does not run again an action it was killed in the middle of: failed, 'may have run', one POST", async () => {
    const s = await stack();
    const crashed = startExecutorProcess(s, "executor-crash-1");
    await crashed.ready();
    const proposal = proposalFor(refundArgs(75));
    payments.delay(proposal.id, 10_000); // far longer than the kill takes, even on a loaded machine
    await approve(s, proposal);
    await send(s, proposal);

    await expect.poll(() => payments.requestsFor(proposal.id).length, { timeout: 10_000 }).toBe(1);
    await crashed.kill9(); // the refund request is in flight; its answer never reaches the executor
    expect(await ledgerEntry(s, proposal.id)).toMatchObject({ state: "claimed", instance: "executor-crash-1" });

    const restarted = startExecutorProcess(s, "executor-crash-1"); // same instance, e.g. a restarted container
    await restarted.ready();
    await expect.poll(() => outcomesFor(s, proposal.id).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
    // On a loaded machine a redelivery may publish the recorded outcome again: the same one, and stored once.
    for (const outcome of outcomesFor(s, proposal.id)) {
      expect(outcome).toMatchObject({
        status: "failed",
        error: expect.stringMatching(/may have run: a person must check/),
      });
    }
    expect(await storedOutcomes(s)).toBe(1);
    expect(await ledgerEntry(s, proposal.id)).toMatchObject({ state: "failed" });
    await expect.poll(() => settledConsumer(s)).toBe(0);
    expect(payments.requestsFor(proposal.id)).toHaveLength(1);
  }, 60_000);

  it("waits out the lease of another instance's claim, then fails it without running it", async () => {
    const s = await stack();
    // Lease = 3 s timeout + 5 s grace: the other instance is given that long to record an outcome.
    const crashed = startExecutorProcess(s, "executor-a", { SY_ACTION_TIMEOUT_MS: "3000" });
    await crashed.ready();
    const proposal = proposalFor(refundArgs(20));
    payments.delay(proposal.id, 10_000);
    await approve(s, proposal);
    await send(s, proposal);
    await expect.poll(() => payments.requestsFor(proposal.id).length, { timeout: 10_000 }).toBe(1);
    await crashed.kill9();
    expect(await ledgerEntry(s, proposal.id)).toMatchObject({ state: "claimed", instance: "executor-a" });

    const other = startExecutorProcess(s, "executor-b", { SY_ACTION_TIMEOUT_MS: "3000" });
    await other.waitForLog((l) => l.event === "action.running_elsewhere", 20_000);
    expect(outcomesFor(s, proposal.id)).toHaveLength(0);
    await expect.poll(() => outcomesFor(s, proposal.id).length, { timeout: 20_000 }).toBe(1);
    expect(outcomesFor(s, proposal.id)[0]).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/executor-a.*may have run/),
    });
    expect(payments.requestsFor(proposal.id)).toHaveLength(1);
  }, 60_000);

  it("republishes the recorded outcome when killed after recording it but before the ack", async () => {
    const s = await stack();
    const crashed = startExecutorProcess(s, "executor-crash-2");
    await crashed.ready();
    // Take the outcome subject off the stream: the executor records the outcome, then cannot get its publish
    // stored, so it never acks. Then the subject is put back, as the coordinator's topology does on its start.
    const { streams, subjects } = s.bus.names;
    const info = await s.bus.jsm.streams.info(streams.proposals);
    await s.bus.jsm.streams.update(streams.proposals, {
      subjects: info.config.subjects.filter((x) => x !== subjects.actionOutcome),
    });
    const proposal = proposalFor(refundArgs(33));
    await approve(s, proposal);
    await send(s, proposal);

    await expect.poll(async () => (await ledgerEntry(s, proposal.id))?.state, { timeout: 10_000 }).toBe("executed");
    await crashed.kill9();
    expect(await settledConsumer(s)).toBe(1); // not acked
    const recorded = await ledgerEntry(s, proposal.id);
    await s.bus.jsm.streams.update(streams.proposals, { subjects: info.config.subjects });

    const restarted = startExecutorProcess(s, "executor-crash-2b");
    await restarted.ready();
    await expect.poll(() => storedOutcomes(s), { timeout: 20_000 }).toBe(1);
    const stored = await s.bus.jsm.streams.getMessage(streams.proposals, { last_by_subj: subjects.actionOutcome });
    const outcome = ActionOutcome.parse(stored?.json());
    expect(outcome).toMatchObject({ proposalId: proposal.id, status: "executed" });
    expect(recorded).toMatchObject({ state: "executed", result: outcome.result });
    expect(outcome.executor).toBe("executor/executor-crash-2"); // the instance that ran it, not the one replaying
    await expect.poll(() => settledConsumer(s), { timeout: 10_000 }).toBe(0);
    expect(payments.requestsFor(proposal.id)).toHaveLength(1);
  }, 60_000);
});
