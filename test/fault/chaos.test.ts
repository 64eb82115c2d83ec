// Chaos: goals of the `demo` and `support` plans (refunds approved by the policy and by a person) while `kill -9`
// hits a random process — a coordinator replica, an agent, the executor or the nats-server — every second or two.
// Every killed process is started again. Afterwards: no goal lost, none stuck, none finished two different ways, no
// refund paid twice (counted at the payments stub). Runs on its own after the other suites (`pnpm test`), as it loads
// the machine and kills processes. SY_CHAOS_GOALS and SY_CHAOS_KILLS scale it; figures are printed.
import { randomUUID } from "node:crypto";
import { ApprovalDecision, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import { publishJson } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  DEMO_SUPPORT_SERVICES,
  smallRefundPolicyFile,
  submitLoadGoal,
  type LoadGoal,
} from "../fixtures/demo-support-load.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import type { ServiceProcess } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

const GOALS = Number(process.env["SY_CHAOS_GOALS"] ?? 200);
const KILLS = Number(process.env["SY_CHAOS_KILLS"] ?? 100);
let stack: FaultStack;
let payments: FakePayments;

const running = new Map<string, ServiceProcess>();

beforeAll(async () => {
  payments = await startFakePayments();
  stack = await startFaultStack({
    SY_ACK_WAIT_MS: "3000",
    SY_MAX_DELIVER: "100",
    SY_APPROVAL_POLICIES_FILE: smallRefundPolicyFile(),
    SY_PAYMENTS_URL: payments.url,
  });
  await Promise.all(
    DEMO_SUPPORT_SERVICES.map(([name, entry]) => {
      const p = stack.startService(name, entry);
      running.set(name, p);
      return p.ready();
    }),
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await payments?.close();
});

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

it(`${GOALS} goals under ${KILLS} kill -9s: none lost, none stuck, none twice, no refund paid twice`, async () => {
  const goals: LoadGoal[] = Array.from({ length: GOALS }, (_, i) => ({
    id: randomUUID(),
    // Every other goal is a support ticket: an auto-approved 24 USD refund (A-1002) or a 129 USD one a person approves.
    plan: i % 2 === 0 ? "demo" : "support",
    orderId: i % 4 === 1 ? "A-1002" : "A-1001",
  }));
  let stop = false;
  let kills = 0;
  const killed: Record<string, number> = {};

  // A person approving whatever waits (as `switchyard approvals approve` would), through the chaos.
  const approver = (async () => {
    const decided = new Set<string>();
    while (!stop) {
      for (const r of stack.log.results) {
        for (const id of r.pendingApprovals) {
          if (decided.has(id)) continue;
          decided.add(id);
          const decision = ApprovalDecision.parse({
            v: WIRE_VERSION,
            proposalId: id,
            decision: "approved",
            at: new Date().toISOString(),
          });
          await publishJson(
            stack.bus,
            stack.bus.names.subjects.approvalDecide("reviewer-rita"),
            ApprovalDecision,
            decision,
            {
              msgId: `decide/${id}`,
            },
          ).catch(() => decided.delete(id)); // the server may be down: try again
        }
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  const chaos = (async () => {
    while (kills < KILLS) {
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 1_000));
      const victim = pick([...DEMO_SUPPORT_SERVICES.map(([n]) => n), "nats-server"]);
      kills++;
      killed[victim] = (killed[victim] ?? 0) + 1;
      if (victim === "nats-server") {
        await stack.server.restart({ hard: true });
        continue;
      }
      const entry = DEMO_SUPPORT_SERVICES.find(([n]) => n === victim)?.[1] ?? "";
      await running.get(victim)?.kill9();
      running.set(victim, stack.startService(victim, entry));
    }
  })();

  // Goals arrive through the chaos, a few at a time; a publish during a server restart is retried.
  const started = Date.now();
  for (const g of goals) {
    await submitLoadGoal(stack.bus, g);
    await new Promise((r) => setTimeout(r, Math.max(0, (KILLS * 1_500) / GOALS - 50)));
  }
  await chaos;
  const chaosMs = Date.now() - started;

  // Then no more kills: every goal must finish.
  const results: GoalResult[] = [];
  for (const g of goals) results.push(await waitForStoredResult(stack.bus, g.id, 240_000));
  stop = true;
  await approver;

  // Every goal ends ok — or, when the executor was killed between claiming a refund and recording its outcome,
  // failed with "may have run: a person must check" (it never runs an action twice on a guess; see below).
  const mayHaveRun = (r: GoalResult) =>
    r.status === "failed" && /may have run: a person must check/.test(r.failure?.message ?? "");
  const notOk = results.filter((r) => r.status !== "ok" && !mayHaveRun(r));
  expect(notOk.map((r) => [r.goalId, r.status, r.failure?.message])).toEqual([]);
  // None finished two different ways: every GoalResult published for a goal is the same outcome.
  for (const g of goals) {
    const outcomes = new Set(stack.log.results.filter((r) => r.goalId === g.id).map((r) => r.status));
    outcomes.delete("needs_approval");
    expect(outcomes.size, g.id).toBeLessThanOrEqual(1);
  }
  // No refund paid twice: one POST per idempotency key, and one per support goal at most.
  const byKey = new Map<string, number>();
  for (const r of payments.requests) {
    const key = r.headers["idempotency-key"] ?? "";
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  expect([...byKey.values()].filter((n) => n > 1)).toEqual([]);
  expect(payments.requests.length).toBeLessThanOrEqual(goals.filter((g) => g.plan === "support").length);
  const held = results.filter(mayHaveRun).length;
  console.log(
    `chaos: ${GOALS} goals, ${kills} kill -9s over ${chaosMs} ms (${JSON.stringify(killed)}); ` +
      `${GOALS - held} ok, ${held} held for a person (executor killed mid-refund); ` +
      `${payments.requests.length} refund requests, none twice`,
  );
}, 900_000);
