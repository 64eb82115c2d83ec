// Each service serves Prometheus metrics when SY_METRICS_PORT is set; after a run they show what happened.
import { randomUUID } from "node:crypto";
import { ensureConsumer, freePort } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { ENTRIES } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

let stack: FaultStack;
let coordinatorPort: number;
let agentPort: number;

beforeAll(async () => {
  stack = await startFaultStack();
  [coordinatorPort, agentPort] = [await freePort(), await freePort()];
  await Promise.all([
    stack.startService("coordinator", ENTRIES.coordinator, { SY_METRICS_PORT: String(coordinatorPort) }).ready(),
    stack.startService("notifier-1", ENTRIES.notifier, { SY_METRICS_PORT: String(agentPort) }).ready(),
  ]);
});
afterAll(async () => {
  await stack?.stop();
});

/** The value of one sample line, e.g. `sy_goals_finished_total{status="ok"}`. */
async function sample(port: number, series: string): Promise<number | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it("exposes token, cost, tool, subtask and goal counters after a run", async () => {
  const ids = [randomUUID(), randomUUID()];
  for (const id of ids) await stack.submitGoal(id, "notify", { to: `${id}@example.com` });
  for (const id of ids) expect((await waitForStoredResult(stack.bus, id)).status).toBe("ok");

  const model = 'agent="notifier",model="scripted:notifier"';
  expect(await sample(agentPort, `sy_model_calls_total{${model},purpose="step",outcome="ok"}`)).toBe(4);
  expect(await sample(agentPort, `sy_model_tokens_total{${model},direction="input"}`)).toBeGreaterThan(0);
  expect(await sample(agentPort, 'sy_tool_calls_total{agent="notifier",kind="write",outcome="ok"}')).toBe(2);
  expect(await sample(agentPort, 'sy_subtasks_finished_total{agent="notifier",status="ok"}')).toBe(2);
  expect(await sample(agentPort, 'sy_in_flight{service="agent-notifier"}')).toBe(0);
  await expect.poll(() => sample(coordinatorPort, 'sy_goals_finished_total{status="ok"}')).toBe(2);
  expect(await sample(coordinatorPort, "sy_goals_accepted_total")).toBe(2);

  const text = await (await fetch(`http://127.0.0.1:${agentPort}/metrics`)).text();
  for (const id of ids) expect(text).not.toContain(id); // no goal ids in labels
  // Each service exports the families it moves, no other's.
  expect(text).not.toMatch(/^sy_(goals?_|approvals|proposals|actions?_|agent_backlog|timers)/m);
  const coordinatorText = await (await fetch(`http://127.0.0.1:${coordinatorPort}/metrics`)).text();
  expect(coordinatorText).not.toMatch(/^sy_(tool_|subtask|steps|limit_hits|actions?_)/m);
  // Read from JetStream at the scrape: nothing waits for the notifier any more.
  expect(await sample(coordinatorPort, 'sy_agent_backlog{agent="notifier"}')).toBe(0);
  expect(await sample(coordinatorPort, 'sy_metrics_collect_errors_total{gauge="sy_agent_backlog"}')).toBe(0);
  expect((await fetch(`http://127.0.0.1:${agentPort}/healthz`)).status).toBe(200);
  // Started and connected: ready for work.
  expect((await fetch(`http://127.0.0.1:${agentPort}/readyz`)).status).toBe(200);
});

it("an agent's /readyz is 503 naming its consumer while the consumer is gone, and 200 once it is back", async () => {
  const readyz = async () => {
    const res = await fetch(`http://127.0.0.1:${agentPort}/readyz`);
    return { status: res.status, body: await res.text() };
  };
  expect(await readyz()).toEqual({ status: 200, body: "ok" });
  const { streams, consumers, subjects } = stack.bus.names;
  const spec = {
    stream: streams.tasks,
    durable: consumers.agent("notifier"),
    filterSubject: subjects.task("notifier"),
  };
  await stack.bus.jsm.consumers.delete(spec.stream, spec.durable);

  await expect.poll(async () => (await readyz()).status, { timeout: 15_000 }).toBe(503);
  expect((await readyz()).body).toMatch(
    new RegExp(`^consumer agent-notifier on ${streams.tasks} failing since \\S+: consumer (deleted|not found)$`),
  );
  // Still live: the process works, its consumer does not.
  expect((await fetch(`http://127.0.0.1:${agentPort}/healthz`)).status).toBe(200);

  await ensureConsumer(stack.bus, spec);
  await expect.poll(async () => (await readyz()).status, { timeout: 20_000 }).toBe(200);
  const id = randomUUID();
  await stack.submitGoal(id, "notify", { to: `${id}@example.com` });
  expect((await waitForStoredResult(stack.bus, id)).status).toBe("ok");
});
