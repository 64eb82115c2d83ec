// A goal flows end to end through real processes (coordinator + the two example agents) on a real nats-server.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { headers, type NatsConnection } from "@nats-io/transport-node";
import { GoalResult, wireNames } from "@switchyard/contracts";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectRaw, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, ROOT, runCli, type ServiceProcess, startProcess, stopAll } from "../fixtures/processes.ts";

let server: NatsServerHandle;
let prefix: string;
let env: Record<string, string>;
let services: ServiceProcess[] = [];
/** Connected as tenant acme's backend: it may submit and read acme's goals only. */
let nc: NatsConnection;
/** Connected as admin: sees every event, rejections included. */
let watcher: NatsConnection;
let log: EventLog;

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  env = testEnv(server, prefix);
  services = [
    startProcess("coordinator", ENTRIES.coordinator, env),
    startProcess("keywords", ENTRIES.keywords, env),
    startProcess("report", ENTRIES.report, env),
  ];
  await Promise.all(services.map((s) => s.ready()));
  nc = await connectRaw(server, "backend-acme");
  watcher = await connectRaw(server, "admin");
  log = collectEvents(watcher, wireNames(prefix));
});

afterAll(async () => {
  log.stop();
  await nc?.close();
  await watcher?.close();
  await stopAll(services);
  await server?.stop();
});

/** What a backend in any language does: JSON bytes on the submit subject, a Nats-Msg-Id, then wait for done. */
async function submitRaw(goal: { id: string; idempotencyKey?: string } & Record<string, unknown>): Promise<unknown> {
  const id = goal.id;
  const done = nc.subscribe(`${prefix}.goal.done.acme.${id}`, { max: 1, timeout: 30_000 });
  const h = headers();
  h.set("Nats-Msg-Id", goal.idempotencyKey ?? id);
  // A JetStream publish is a request; the reply is the stream's ack.
  const ack = await nc.request(`${prefix}.goals.submit.acme`, JSON.stringify(goal), { headers: h, timeout: 5_000 });
  expect(JSON.parse(ack.string())).toMatchObject({ stream: `${prefix.toUpperCase()}_GOALS` });
  for await (const msg of done) return JSON.parse(msg.string()) as unknown;
  throw new Error("no done message");
}

describe("a goal end to end", () => {
  it("comes back as a GoalResult to a plain NATS client that only knows the JSON contract", async () => {
    const id = randomUUID();
    const result = await submitRaw({
      v: 1,
      id,
      tenant: "acme",
      user: "ana",
      text: "Agents need budgets. Budgets stop agents that loop.",
      plan: "demo",
    });

    // Checked against the exported JSON Schema, as a Python or Go backend would.
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const schema = JSON.parse(readFileSync(join(ROOT, "contracts/schema/GoalResult.json"), "utf8")) as object;
    expect(ajv.validate(schema, result), JSON.stringify(ajv.errors)).toBe(true);

    const r = GoalResult.parse(result);
    expect(r).toMatchObject({ goalId: id, status: "ok" });
    expect(r.subtasks.map((s) => [s.subtaskId, s.agent, s.status])).toEqual([
      ["keywords", "keywords", "ok"],
      ["report", "report", "ok"],
    ]);
    expect(r.output).toMatchObject({ topics: expect.arrayContaining(["agents", "budgets"]) });
    // The report ran on the keywords' output: the dependency was honoured.
    const [kw, rep] = r.subtasks;
    expect(Date.parse(rep?.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(kw?.finishedAt ?? ""));
    expect(log.malformed).toEqual([]);
  });

  it("runs a goal submitted twice with the same idempotency key once", async () => {
    const id = randomUUID();
    const goal = {
      v: 1,
      id,
      idempotencyKey: `order-${id}`,
      tenant: "acme",
      user: "ana",
      text: "Refund order 42 twice?",
      plan: "demo",
    };
    await submitRaw(goal);
    // The copies have no Nats-Msg-Id dedup to hide behind: plain publishes into the stream.
    nc.publish(`${prefix}.goals.submit.acme`, JSON.stringify(goal));
    const other = randomUUID();
    nc.publish(`${prefix}.goals.submit.acme`, JSON.stringify({ ...goal, id: other }));
    const same = await log.waitForEvent((e) => e.type === "goal.duplicate" && e.goalId === id);
    const dup = await log.waitForEvent((e) => e.type === "goal.duplicate" && e.goalId === other);
    expect(same).toMatchObject({ originalGoalId: id });
    expect(dup).toMatchObject({ originalGoalId: id });
    const started = log.events.filter((e) => e.type === "subtask.started" && e.goalId === id);
    expect(started.map((e) => e.type === "subtask.started" && e.subtaskId).sort()).toEqual(["keywords", "report"]);
    expect(log.events.filter((e) => e.type === "goal.accepted" && e.goalId === id)).toHaveLength(1);
    expect(log.events.filter((e) => e.type === "goal.accepted" && e.goalId === other)).toHaveLength(0);
  });

  it("answers a non-JSON goal and a schema-violating goal with clear errors, and keeps serving", async () => {
    nc.publish(`${prefix}.goals.submit.acme`, "this is not json {");
    const notJson = await log.waitForEvent((e) => e.type === "message.rejected" && e.reason.includes("not valid JSON"));
    expect(notJson).toMatchObject({ subject: `${prefix}.goals.submit.acme` });

    const badId = randomUUID();
    const done = nc.subscribe(`${prefix}.goal.done.acme.${badId}`, { max: 1, timeout: 15_000 });
    nc.publish(
      `${prefix}.goals.submit.acme`,
      JSON.stringify({ v: 1, id: badId, tenant: "acme", user: "ana", text: 42, budget: { maxSteps: -3 } }),
    );
    let failed: GoalResult | undefined;
    for await (const m of done) failed = GoalResult.parse(m.json());
    expect(failed).toMatchObject({ goalId: badId, status: "failed", failure: { kind: "bad_input" } });
    expect(failed?.failure?.message).toMatch(/text: .*expected string/);
    expect(failed?.failure?.message).toMatch(/budget\.maxSteps/);
    const rejected = await log.waitForEvent((e) => e.type === "message.rejected" && e.goalId === badId);
    expect(rejected.type === "message.rejected" && rejected.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["text", "budget.maxSteps"]),
    );

    const ok = await submitRaw({
      v: 1,
      id: randomUUID(),
      tenant: "acme",
      user: "ana",
      text: "Still serving after bad input.",
      plan: "demo",
    });
    expect(ok).toMatchObject({ status: "ok" });
    expect(services.every((s) => s.child.exitCode === null)).toBe(true);
  });

  it("refuses an unknown plan with a failed result that lists the templates", async () => {
    const r = GoalResult.parse(
      await submitRaw({ v: 1, id: randomUUID(), tenant: "acme", user: "ana", text: "x", plan: "no-such-plan" }),
    );
    expect(r.status).toBe("failed");
    expect(r.failure?.message).toMatch(/unknown plan "no-such-plan"; known templates: demo/);
  });
});

describe("the CLI against the running services", () => {
  const cli = (...args: string[]) => runCli({ ...env }, ...args);

  it("`goal --json` prints only the GoalResult as JSON", async () => {
    const { stdout } = await cli(
      "goal",
      "Budgets keep agents honest. Agents need budgets.",
      "--plan",
      "demo",
      "--json",
    );
    const result = GoalResult.parse(JSON.parse(stdout));
    expect(result.status).toBe("ok");
    expect(stdout.trim().split("\n")).toHaveLength(1);
  });

  it("`goal` shows its progress on stderr, one plain line per event when stderr is not a terminal", async () => {
    const { stdout, stderr } = await cli("goal", "Progress lines name each step. Steps take time.", "--plan", "demo");
    expect(stdout).toMatch(/^goal \S+: ok in /);
    const lines = stderr.split("\n");
    const expected = [
      /^\+\d+\.\d{3}s {2}goal {2}accepted: plan demo · user \S+ · tenant default$/,
      /^\+\d+\.\d{3}s {2}keywords {2}dispatched to keywords \(attempt 1\)$/,
      /^\+\d+\.\d{3}s {2}keywords {2}started @ \S+ \(attempt 1\)$/,
      /^\+\d+\.\d{3}s {2}keywords {2}finished ok · 0 tok · \$0\.0000 · \d+ ms$/,
      /^\+\d+\.\d{3}s {2}report {2}finished ok · 0 tok · \$0\.0000 · \d+ ms$/,
      /^\+\d+\.\d{3}s {2}goal {2}finished ok · 0 tok · \$0\.0000 · \d+ ms$/,
    ];
    for (const line of expected)
      expect(
        lines.some((l) => line.test(l)),
        String(line),
      ).toBe(true);
    // Not a terminal: no colour, no cursor movement.
    expect(stderr).not.toContain("\x1b");
    const quiet = await cli("goal", "No progress here.", "--plan", "demo", "--no-progress");
    expect(quiet.stderr).not.toMatch(/dispatched to/);
  });

  it("`goal` prints a readable result and exits 3 when the goal fails", async () => {
    const err = await cli("goal", "x", "--plan", "missing-plan").catch((e: { code: number; stdout: string }) => e);
    expect(err).toMatchObject({ code: 3 });
    expect((err as { stdout: string }).stdout).toMatch(
      /: failed in .*\nfailure: bad_input: unknown plan "missing-plan"/,
    );
  });

  it("`goal` rejects bad usage with exit code 2 and a message naming the problem", async () => {
    const err = await cli("goal", "x", "--input", "{broken").catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({ code: 2, stderr: expect.stringMatching(/--input is not valid JSON/) });
  });

  it("`goal --idempotency-key` run twice runs once and both print the same result", async () => {
    const key = `order-${randomUUID()}`;
    const first = GoalResult.parse(
      JSON.parse((await cli("goal", "Refund order 42.", "--idempotency-key", key, "--json")).stdout),
    );
    const second = GoalResult.parse(
      JSON.parse((await cli("goal", "Refund order 42.", "--idempotency-key", key, "--json")).stdout),
    );
    expect(second.goalId).toBe(first.goalId);
    expect(second).toEqual(first);
  });

  it("`agents --json` lists the cards of the running specialists", async () => {
    const { stdout } = await cli("agents", "--json");
    const cards = JSON.parse(stdout) as Array<{ name: string; kind: string; input: { type: string } }>;
    expect(cards.map((c) => c.name)).toEqual(["keywords", "report"]);
    expect(cards[0]).toMatchObject({ kind: "handler", input: { type: "object" } });
  });
});
