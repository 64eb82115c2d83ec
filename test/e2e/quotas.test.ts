// Per-user quotas on a real nats-server: an in-process coordinator with a spend limit and a priced scripted LLM agent.
// Goals of one user run until their cost reaches the limit; the next one is refused `policy_denied` before it is
// planned, while another user of the same tenant still runs; the recorded spend is the sum of the goals' costs.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { Goal, WIRE_VERSION, type GoalResult } from "@switchyard/contracts";
import {
  createCoordinator,
  createQuotaStore,
  loadTemplateCatalog,
  quotaWindow,
  type Coordinator,
  type QuotaPolicy,
  type QuotaStore,
} from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { notifierAgent } from "../fixtures/agents/notifier.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

const logger = createLogger({ service: "test", level: "silent" });
const TENANT = "acme";
const USER_LIMIT_USD = 0.003;
const POLICY: QuotaPolicy = { window: "1d", defaults: { userUsd: USER_LIMIT_USD } };
/** Bound of the loop that spends up to the limit (a notifier goal costs about $0.0013, so three reach the limit). */
const MAX_GOALS = 25;

let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
let agent: ServedAgent;
let quotas: QuotaStore;

beforeAll(async () => {
  // Every goal of this file must finish in one window: right before UTC midnight, wait for the next day's.
  const msLeft = quotaWindow("1d", new Date()).end.getTime() - Date.now();
  if (msLeft < 30_000) await new Promise((r) => setTimeout(r, msLeft + 100));
  server = await startTestNats();
  ({ bus, buckets } = await connectTestBus(server, uniquePrefix()));
  log = collectEvents(bus.nc, bus.names);
  const templates = loadTemplateCatalog(join(import.meta.dirname, "..", "fixtures", "templates.json"));
  coordinator = await createCoordinator({ bus, buckets, logger, templates, quotas: POLICY });
  agent = await serveAgent({ agent: notifierAgent, bus, buckets, logger });
  quotas = createQuotaStore(bus, buckets, POLICY);
});

afterAll(async () => {
  log?.stop();
  await agent?.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

async function run(user: string, tenant = TENANT): Promise<GoalResult> {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant,
    user,
    text: "Tell the customer their refund is on its way.",
    input: { to: `${user}@example.com` },
    plan: "notify",
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
  return log.waitForResult(id);
}

it("refuses a user's goals once their spend reaches the limit, and only theirs", async () => {
  const finished: GoalResult[] = [];
  let spent = 0;
  while (spent < USER_LIMIT_USD && finished.length < MAX_GOALS) {
    const result = await run("ana");
    expect(result.status).toBe("ok");
    expect(result.usage.costUsd).toBeGreaterThan(0);
    finished.push(result);
    spent += result.usage.costUsd;
  }
  expect(spent).toBeGreaterThanOrEqual(USER_LIMIT_USD);
  expect(finished.length).toBeGreaterThan(1); // the limit let several goals through before it bit

  // The spend is recorded before the done event goes out, so it is there as soon as the result is.
  const recorded = await quotas.spending({ tenant: TENANT, user: "ana" });
  expect(recorded.user?.usd).toBeCloseTo(spent, 12);
  expect(recorded.user).toMatchObject({ scope: "user", key: `${TENANT}/ana`, window: "1d", goals: finished.length });
  expect(recorded.tenant?.usd).toBeCloseTo(spent, 12);

  const refused = await run("ana");
  expect(refused.status).toBe("failed");
  expect(refused.failure?.kind).toBe("policy_denied");
  expect(refused.failure?.message).toBe(
    `quota exceeded: user ana (tenant ${TENANT}) spent $${spent.toFixed(4)} of $${USER_LIMIT_USD.toFixed(4)} in the ` +
      `current 1d window; it resets at ${recorded.span.end.toISOString()}`,
  );
  expect(refused.usage.costUsd).toBe(0);
  // Refused before planning: accepted and finished events, nothing dispatched.
  const ofRefused = log.events.filter((e) => e.goalId === refused.goalId).map((e) => e.type);
  expect(ofRefused).toContain("goal.accepted");
  expect(ofRefused).not.toContain("subtask.dispatched");
  await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === refused.goalId);

  const other = await run("ben");
  expect(other.status).toBe("ok");
  const after = await quotas.spending({ tenant: TENANT, user: "ben" });
  expect(after.user?.usd).toBeCloseTo(other.usage.costUsd, 12);
  expect(after.tenant?.usd).toBeCloseTo(spent + other.usage.costUsd, 12);
  expect(after.tenant?.goals).toBe(finished.length + 1);
});

it("counts a finished goal once, however often its spend is recorded", async () => {
  const who = { tenant: "globex", user: "cy" };
  const result = await run(who.user, who.tenant);
  expect(result.status).toBe("ok");
  const before = await quotas.spending(who);
  expect(before.user?.usd).toBeCloseTo(result.usage.costUsd, 12);
  // A redelivery or a second replica recording the same goal changes nothing.
  await quotas.recordSpend(who, result);
  // Without the per-goal marker (a crash before it was written), the goal ids kept in the entries recognise it.
  await buckets.quotas.delete(bus.names.keys.spent(result.goalId));
  await quotas.recordSpend(who, result);
  const after = await quotas.spending(who);
  expect(after.user).toEqual(before.user);
  expect(after.tenant).toEqual(before.tenant);
  // A user of the same name in another tenant has a spend of its own.
  expect((await quotas.spending({ tenant: TENANT, user: "cy" })).user).toBeUndefined();
});
