// The coordinator's scrape-time gauges against a real nats-server, read as the coordinator identity (its permissions
// must let it list the tasks stream's consumers): subtasks waiting for an agent that is not running show up as that
// agent's backlog, pending timers as `sy_timers_pending`, and a scrape while NATS cannot answer still succeeds with the
// last values and counts the failed reads.
import { addBacklogGauges } from "@switchyard/coordinator";
import { COLLECT_ERRORS_METRIC, createMetrics, ensureConsumer, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";

let server: NatsServerHandle;
beforeAll(async () => {
  server = await startTestNats();
});
afterAll(async () => {
  await server?.stop();
});

/** The value of one sample line, e.g. `sy_agent_backlog{agent="writer"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** An agent's consumer, created as the agent would on its start (here by the admin), with `n` subtasks waiting. */
async function waitingFor(admin: Bus, agent: string, n: number): Promise<void> {
  const { streams, consumers, subjects } = admin.names;
  await ensureConsumer(admin, {
    stream: streams.tasks,
    durable: consumers.agent(agent),
    filterSubject: subjects.task(agent),
  });
  for (let i = 0; i < n; i++) await admin.js.publish(subjects.task(agent), JSON.stringify({ i }));
}

it("reports subtasks waiting on each agent's consumer with no agent running, and the pending timers", async () => {
  const prefix = uniquePrefix();
  const { bus: admin } = await connectTestBus(server, prefix);
  const { bus: coordinator } = await connectTestBus(server, prefix, {}, "coordinator");
  try {
    await waitingFor(admin, "writer", 3);
    await waitingFor(admin, "report", 0);
    const { streams, consumers, subjects } = coordinator.names;
    await ensureConsumer(coordinator, {
      stream: streams.goals,
      durable: consumers.coordinatorTimers,
      filterSubject: subjects.goalTimer,
    });
    for (let i = 0; i < 2; i++) await coordinator.js.publish(subjects.goalTimer, JSON.stringify({ i }));

    const metrics = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    addBacklogGauges(metrics, { bus: coordinator });
    let text = await metrics.text();
    expect(sample(text, 'sy_agent_backlog{agent="writer"}')).toBe(3);
    expect(sample(text, 'sy_agent_backlog{agent="report"}')).toBe(0);
    expect(sample(text, "sy_timers_pending")).toBe(2);
    expect(sample(text, `${COLLECT_ERRORS_METRIC}{gauge="sy_agent_backlog"}`)).toBe(0);

    // Read again at the next scrape: the backlog follows the stream.
    await admin.js.publish(subjects.task("report"), JSON.stringify({ i: 0 }));
    text = await metrics.text();
    expect(sample(text, 'sy_agent_backlog{agent="report"}')).toBe(1);
    expect(sample(text, 'sy_agent_backlog{agent="writer"}')).toBe(3);

    // NATS cannot answer: the scrape succeeds with the last values and counts each failed read.
    await coordinator.close();
    text = await metrics.text();
    expect(sample(text, 'sy_agent_backlog{agent="writer"}')).toBe(3);
    expect(sample(text, "sy_timers_pending")).toBe(2);
    expect(sample(text, `${COLLECT_ERRORS_METRIC}{gauge="sy_agent_backlog"}`)).toBe(1);
    expect(sample(text, `${COLLECT_ERRORS_METRIC}{gauge="sy_timers_pending"}`)).toBe(1);
  } finally {
    await coordinator.close();
    await admin.close();
  }
});
