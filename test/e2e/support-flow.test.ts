// The `support` template end to end: four LLM specialists (scripted offline), a refund above the auto-approval
// threshold proposed for a person, and the reply drafted on the branch that does not wait for it.
import { randomUUID } from "node:crypto";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { classifierAgent } from "@switchyard/agent-classifier";
import { AUTO_APPROVAL_LIMIT_USD, refundsAgent } from "@switchyard/agent-refunds";
import { researcherAgent } from "@switchyard/agent-researcher";
import { writerAgent } from "@switchyard/agent-writer";
import { ActionProposal, Goal, WIRE_VERSION } from "@switchyard/contracts";
import { createCoordinator, type Coordinator } from "@switchyard/coordinator";
import { createLogger, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { afterAll, beforeAll, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectTestBus, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { runCli } from "../fixtures/processes.ts";

const logger = createLogger({ service: "test", level: "silent" });
let server: NatsServerHandle;
let prefix: string;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
const agents: ServedAgent[] = [];
const proposals: ActionProposal[] = [];

beforeAll(async () => {
  server = await startTestNats();
  prefix = uniquePrefix();
  ({ bus, buckets } = await connectTestBus(server, prefix));
  log = collectEvents(bus.nc, bus.names);
  bus.nc.subscribe(bus.names.subjects.proposalsAll, {
    callback: (_e, m) => void proposals.push(ActionProposal.parse(m.json())),
  });
  coordinator = await createCoordinator({ bus, buckets, logger });
  for (const agent of [classifierAgent, researcherAgent, writerAgent, refundsAgent]) {
    agents.push(await serveAgent({ agent, bus, buckets, logger }));
  }
});

afterAll(async () => {
  log.stop();
  for (const a of agents) await a.stop();
  await coordinator?.stop();
  await bus?.close();
  await server?.stop();
});

it("proposes the refund above the threshold for approval and still drafts the reply", async () => {
  const id = randomUUID();
  const goal = Goal.parse({
    v: WIRE_VERSION,
    id,
    tenant: "acme",
    user: "dana",
    text: "Hi, my trail running shoes from order A-1001 fell apart after a week. I want a refund please.",
    input: { customerId: "C-42", orderId: "A-1001" },
    plan: "support",
  });
  await publishJson(bus, bus.names.subjects.goalSubmit(goal.tenant), Goal, goal, { msgId: id });
  const result = await log.waitForResult(id);

  expect(result.status).toBe("needs_approval");
  const byId = Object.fromEntries(result.subtasks.map((s) => [s.subtaskId, s]));
  expect(byId["classify"]).toMatchObject({ status: "ok", output: { category: "refund" } });
  expect(byId["research"]?.status).toBe("ok");
  expect(byId["reply"]).toMatchObject({ status: "ok", output: { body: expect.any(String) } });
  expect(byId["refund"]?.status).toBe("needs_approval");

  const refund = byId["refund"]?.proposals?.[0];
  expect(refund).toMatchObject({
    tool: "issue_refund",
    kind: "destructive",
    status: "pending",
    args: { orderId: "A-1001" },
  });
  expect((refund?.args as { amountUsd: number }).amountUsd).toBeGreaterThan(AUTO_APPROVAL_LIMIT_USD);
  expect(result.pendingApprovals).toEqual([refund?.id]);
  await expect.poll(() => proposals.map((p) => p.id)).toContain(refund?.id);
  // Every model call and tool call of the run is on the bus, with its cost and timing.
  expect(log.events.filter((e) => e.type === "model.call" && e.goalId === id).length).toBeGreaterThanOrEqual(4);
  expect(log.events.some((e) => e.type === "tool.call" && e.goalId === id && e.tool === "search_kb")).toBe(true);
});

it("`goal --plan support` without the input the plan reads fails with a hint naming the --input it needs", async () => {
  const err = await runCli(
    testEnv(server, prefix),
    "goal",
    "My shoes fell apart, refund please.",
    "--plan",
    "support",
    "--tenant",
    "acme",
  ).catch((e: { code: number; stdout: string; stderr: string }) => e);
  expect(err).toMatchObject({ code: 3, stdout: expect.stringMatching(/^failure: bad_input in refund: /m) });
  expect((err as { stderr: string }).stderr).toContain(
    `plan "support" reads customerId, orderId from the goal's input, which the goal did not have: ` +
      `submit it with --input '{"customerId": "…", "orderId": "…"}'`,
  );
});
