// A flood of malformed messages on every subject the services consume, from authorized senders (the worst case: a
// buggy or hostile client that passed authentication): no process crashes, a goal submitted during the flood still
// completes, rejections are reported as events that name the subject and the reason, rate-limited per sender so the
// junk cannot flood the event stream, and nothing is silently dropped (every sender's later event counts what was
// left out). Prints the coordinator's memory before and after, for the record.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { headers } from "@nats-io/transport-node";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import { publishJson, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, ROOT, startProcess, stopAll, type ServiceProcess } from "../fixtures/processes.ts";

let server: NatsServerHandle;
let bus: Bus;
let log: EventLog;
let services: ServiceProcess[] = [];

beforeAll(async () => {
  server = await startTestNats();
  const prefix = uniquePrefix();
  const env = testEnv(server, prefix, { SY_TEMPLATES_FILE: join(ROOT, "test/fixtures/templates.json") });
  ({ bus } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  services = [
    startProcess("coordinator", ENTRIES.coordinator, env),
    startProcess("executor", ENTRIES.executor, env),
    startProcess("keywords", ENTRIES.keywords, env),
    startProcess("report", ENTRIES.report, env),
  ];
  await Promise.all(services.map((s) => s.ready()));
});

afterAll(async () => {
  log?.stop();
  await stopAll(services);
  await bus?.close();
  await server?.stop();
});

/** Resident memory of a process, in MB (Linux). */
function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** Bodies that break the contracts in the ways clients do: not JSON, wrong types, unknown versions, huge, hostile. */
function junkBodies(): string[] {
  const deep = (n: number): unknown => (n === 0 ? {} : { a: deep(n - 1) });
  const ids = ["a.b", "a*", "a>", "a b", "", "x".repeat(300)];
  return [
    "this is not json {",
    "null",
    "42",
    "[]",
    JSON.stringify({ v: 99, id: "g1" }),
    JSON.stringify({ v: 1, id: 7, tenant: ["acme"], text: { t: 1 } }),
    JSON.stringify({ v: 1, text: "x".repeat(200_000) }),
    JSON.stringify(deep(500)),
    '{"__proto__": {"polluted": true}, "v": 1, "constructor": {"prototype": {"x": 1}}}',
    ...ids.map((id) => JSON.stringify({ v: 1, id, goalId: id, proposalId: id, subtaskId: id, tenant: "acme" })),
  ];
}

it("junk on every subject crashes nothing, stalls no goal and leaves bounded, named rejection events", async () => {
  const { subjects } = bus.names;
  const coordinatorPid = services[0]?.child.pid;
  const before = rssMb(coordinatorPid);
  const targets = [
    subjects.goalSubmit("acme"),
    subjects.goalAnswer("reviewer-rita"),
    subjects.goalTimer,
    subjects.results("keywords"),
    subjects.proposals("keywords"),
    subjects.approvalDecide("reviewer-rita"),
    subjects.actionExecute,
    subjects.actionOutcome,
  ];
  const requestTargets = [subjects.goalRequest("acme"), subjects.goalCancel("tenant", "acme")];
  const bodies = junkBodies();
  let sent = 0;
  const flood = async (rounds: number) => {
    for (let round = 0; round < rounds; round++) {
      for (const subject of targets) {
        for (const body of bodies) {
          const h = headers();
          h.set("sy-junk", `round ${round}`);
          await bus.js.publish(subject, body, { headers: h });
          sent++;
        }
      }
      // Request-reply subjects answer every request, junk included, with an error naming the problem.
      for (const subject of requestTargets) {
        for (const body of bodies.slice(0, 4)) {
          const reply = await bus.nc.request(subject, body, { timeout: 10_000 });
          expect(reply.json<{ ok: boolean }>().ok, `${subject} ${body.slice(0, 40)}`).toBe(false);
          sent++;
        }
      }
    }
  };

  // A real goal, submitted while the junk arrives, completes.
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "ana",
    text: "Budgets stop loops.",
    plan: "demo",
  });
  const started = Date.now();
  const flooding = flood(6);
  await publishJson(bus, subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
  const result = await log.waitForResult(id, 120_000);
  const goalMs = Date.now() - started;
  await flooding;
  expect(result.status).toBe("ok");

  // Every service survived.
  for (const s of services) expect(s.child.exitCode, s.name).toBeNull();

  // Rejections are events naming the subject and the reason, and rate-limited: far fewer than the junk.
  await expect
    .poll(() => log.events.filter((e) => e.type === "message.rejected").length, { timeout: 20_000 })
    .toBeGreaterThan(10);
  const rejected = log.events.flatMap((e) => (e.type === "message.rejected" ? [e] : []));
  for (const r of rejected) {
    expect(r.subject).toMatch(new RegExp(`^${bus.names.prefix}\\.`));
    expect(r.reason.length).toBeGreaterThan(0);
  }
  const subjectsRejected = new Set(rejected.map((r) => r.subject));
  for (const subject of [subjects.goalSubmit("acme"), subjects.results("keywords"), subjects.actionExecute]) {
    expect(subjectsRejected, subject).toContain(subject);
  }
  expect(rejected.length).toBeLessThan(sent / 2);
  expect(log.malformed).toEqual([]);

  // A second goal after the flood completes too: nothing was left stuck.
  const after = randomUUID();
  await publishJson(bus, subjects.goalSubmit("acme"), Goal, Goal.parse({ ...goal, id: after }), { msgId: after });
  expect((await log.waitForResult(after, 60_000)).status).toBe("ok");
  const afterMb = rssMb(coordinatorPid);
  console.log(
    `malformed flood: ${sent} junk messages over ${targets.length + requestTargets.length} subjects; ` +
      `${rejected.length} rejection events; a goal submitted during the flood finished in ${goalMs} ms; ` +
      `coordinator RSS ${before.toFixed(0)} MB -> ${afterMb.toFixed(0)} MB`,
  );
});
