// Node loss: Switchyard on a three-node nats-server cluster, every stream and bucket R3 (SY_REPLICAS=3), with
// authorization on. While `demo` and `support` goals run (refunds approved by the policy and paid at a payments stub),
// `kill -9` hits the node that leads each stream and bucket in turn; the node comes back after a while and catches up
// before the next leader is killed. Afterwards: every goal finished ok, each finished once (one final GoalResult
// stored per goal, and no two different ones published), no refund paid twice, no service process died. Runs with
// the chaos suite (`pnpm test:heavy`), alone: it starts three servers and nine services. SY_NODE_LOSS_GOALS scales it.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { GoalRecord, GoalResult } from "@switchyard/contracts";
import { findNatsServerBinary, getJson, readStoredJson } from "@switchyard/infra";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_SUPPORT_SERVICES,
  smallRefundPolicyFile,
  submitLoadGoal,
  type LoadGoal,
} from "../fixtures/demo-support-load.ts";
import { startFakePayments, type FakePayments } from "../fixtures/fake-payments.ts";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { startTestNatsCluster, type NatsCluster } from "../fixtures/nats-cluster.ts";
import { describeStreams, streamLeader, waitForCurrentReplicas } from "../fixtures/stream-leaders.ts";
import { waitForStoredResults } from "../fixtures/wait-for-goal.ts";

/**
 * The nats-server this test needs. Older servers lose or misdeliver messages of replicated work-queue streams after
 * a node is killed: on 2.9.10 (Debian's package) the restarted node logs "stream store EOF" and "Resetting stream
 * cluster state", after which acked tasks vanish, some sit below every consumer's ack floor, and a consumer hands out
 * another agent's tasks (upstream: nats-server#7308, fixed by #7348 in 2.12.1). The test still runs there with
 * SY_NODE_LOSS=1, to see it fail; otherwise it is skipped on an older server, saying why.
 */
const NEEDS_SERVER = [2, 12, 1];
const serverVersion = (() => {
  const bin = findNatsServerBinary();
  const out = bin === undefined ? "" : spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout;
  return (/v(\d+)\.(\d+)\.(\d+)/.exec(out) ?? []).slice(1).map(Number);
})();
const serverIsNewEnough =
  serverVersion.length === 3 &&
  serverVersion.reduce((cmp, n, i) => (cmp !== 0 ? cmp : Math.sign(n - (NEEDS_SERVER[i] ?? 0))), 0) >= 0;
const runNodeLoss = serverIsNewEnough || process.env["SY_NODE_LOSS"] === "1";
if (!runNodeLoss) {
  console.warn(
    `node-loss test skipped: nats-server ${serverVersion.join(".") || "(not found)"} is older than ` +
      `${NEEDS_SERVER.join(".")}, which loses work-queue messages after a node is killed (SY_NODE_LOSS=1 runs it anyway)`,
  );
}

const GOALS = Number(process.env["SY_NODE_LOSS_GOALS"] ?? 100);
/** How long a killed node stays down: long enough for every stream it led to elect a new leader and move on. */
const NODE_DOWN_MS = 5_000;
/** Goals arrive one at a time over the kills. */
const SUBMIT_EVERY_MS = 500;
/** After the last kill, how long the goals have to finish. */
const FINISH_WITHIN_MS = 90_000;

let cluster: NatsCluster;
let stack: FaultStack;
let payments: FakePayments;

describe.skipIf(!runNodeLoss)("node loss", () => {
  beforeAll(async () => {
    payments = await startFakePayments();
    cluster = await startTestNatsCluster();
    stack = await startFaultStack(
      {
        SY_REPLICAS: "3",
        SY_ACK_WAIT_MS: "5000",
        // Refunds up to 50 USD approve themselves: A-1002 (24 USD) needs no person.
        SY_APPROVAL_POLICIES_FILE: smallRefundPolicyFile(),
        SY_PAYMENTS_URL: payments.url,
      },
      async () => cluster,
    );
    await Promise.all(DEMO_SUPPORT_SERVICES.map(([name, entry]) => stack.startService(name, entry).ready(60_000)));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop(); // already stopped with the stack, unless the stack never started
    await payments?.close();
  });

  /** What to kill the leader of, in turn: every stream, and the buckets goals and effects live in. */
  function targets(): string[] {
    const { streams, buckets } = stack.bus.names;
    return [
      streams.tasks,
      streams.results,
      streams.goals,
      `KV_${buckets.goals}`,
      streams.events,
      streams.proposals,
      `KV_${buckets.effects}`,
      `KV_${buckets.approvals}`,
    ];
  }

  it(`${GOALS} goals while the leader of every stream is killed in turn: all ok, each once, no refund twice`, async () => {
    const goals: LoadGoal[] = Array.from({ length: GOALS }, (_, i) => ({
      id: randomUUID(),
      plan: i % 2 === 0 ? "demo" : "support",
      orderId: "A-1002",
    }));
    const streams = targets();
    const kills: string[] = [];
    const started = Date.now();

    const killer = (async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      for (const stream of streams) {
        await waitForCurrentReplicas(stack.bus, streams);
        const leader = await streamLeader(stack.bus, stream);
        const node = cluster.node(leader);
        kills.push(`${stream}@${leader}`);
        await node.kill();
        await new Promise((r) => setTimeout(r, NODE_DOWN_MS));
        await node.start();
      }
      await waitForCurrentReplicas(stack.bus, streams);
    })();

    // A publish while the goals stream has no leader fails; the backend retries, as a real one would.
    for (const g of goals) {
      await submitLoadGoal(stack.bus, g);
      await new Promise((r) => setTimeout(r, SUBMIT_EVERY_MS));
    }
    await killer;
    const killedMs = Date.now() - started;

    // Every goal finishes, and finishes ok.
    const ids = goals.map((g) => g.id);
    const { results, unfinished } = await waitForStoredResults(stack.bus, ids, FINISH_WITHIN_MS);
    if (unfinished.length > 0) console.log(await whereWorkWaits(unfinished));
    expect(unfinished, "goals that did not finish").toEqual([]);
    const notOk = [...results.values()].filter((r) => r.status !== "ok");
    expect(notOk.map((r) => [r.goalId, r.status, r.failure?.message])).toEqual([]);

    // Each finished once: one final GoalResult stored per goal, and no two different ones ever published.
    const stored = await readStoredJson(
      stack.bus,
      stack.bus.names.streams.events,
      stack.bus.names.subjects.goalDoneAll,
    );
    const finals = new Map<string, number>();
    for (const raw of stored.values) {
      const r = GoalResult.parse(raw);
      if (r.status !== "needs_approval" && r.status !== "needs_input")
        finals.set(r.goalId, (finals.get(r.goalId) ?? 0) + 1);
    }
    expect(goals.filter((g) => finals.get(g.id) !== 1).map((g) => [g.id, finals.get(g.id) ?? 0])).toEqual([]);
    for (const g of goals) {
      const published = stack.log.results.filter((r) => r.goalId === g.id && r.status !== "needs_approval");
      expect(new Set(published.map((r) => `${r.status} ${r.finishedAt}`)).size, g.id).toBeLessThanOrEqual(1);
    }

    // No refund paid twice, and every support goal's refund paid once.
    const paid = new Map<string, number>();
    for (const r of payments.requests) {
      const key = r.headers["idempotency-key"] ?? "";
      paid.set(key, (paid.get(key) ?? 0) + 1);
    }
    expect([...paid].filter(([, n]) => n > 1)).toEqual([]);
    expect(payments.requests.length).toBe(goals.filter((g) => g.plan === "support").length);

    // No service died along the way.
    expect(stack.processes.filter((p) => p.child.exitCode !== null).map((p) => p.name)).toEqual([]);
    console.log(
      `node loss: ${GOALS} goals, ${kills.length} leaders killed (${kills.join(", ")}) over ${killedMs} ms; ` +
        `all finished ${Date.now() - started} ms after the first; ${payments.requests.length} refunds, none twice`,
    );
  }, 300_000);
});

/** The state of each unfinished goal, of the work queues, and the services' warnings: where lost work waits. */
async function whereWorkWaits(unfinished: string[]): Promise<string> {
  const goals = await Promise.all(
    unfinished.map(async (id) => {
      const rec = await getJson(stack.buckets.goals, stack.bus.names.keys.goal(id), GoalRecord).catch(() => undefined);
      const subtasks = Object.entries(rec?.value.subtasks ?? {}).map(([sid, st]) => `${sid}:${st.type}`);
      return `${id} ${rec?.value.phase.type ?? "no record"} [${subtasks.join(" ")}]`;
    }),
  );
  const { streams } = stack.bus.names;
  const queues = await describeStreams(stack.bus, [streams.goals, streams.tasks, streams.results, streams.proposals]);
  return `unfinished goals:\n${goals.join("\n")}\n\nwork queues:\n${queues}\n\nservice warnings:\n${warningsOfServices()}`;
}

/** The services' warnings and errors, counted by event and message: what a failed run needs to be diagnosed. */
function warningsOfServices(): string {
  const counts = new Map<string, number>();
  for (const p of stack.processes) {
    for (const line of p.lines) {
      if (typeof line["level"] !== "number" || line["level"] < 40) continue;
      const why = line["err"] ?? line["reason"];
      const err = typeof why === "string" ? why.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "<id>").slice(0, 160) : "";
      const key = `${p.name} ${line.event ?? line.msg ?? "?"} ${err}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return [...counts].map(([k, n]) => `${n}x ${k}`).join("\n");
}
