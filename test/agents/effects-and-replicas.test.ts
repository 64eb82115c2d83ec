// LLM agents as real services: an effect survives a kill -9 between the effect and the ack without running twice,
// replicas of one agent share its work, and $SRV.INFO carries the agent card.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Svcm } from "@nats-io/services";
import { AgentCard } from "@switchyard/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { ENTRIES } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

const ACK_WAIT_MS = 2_000;
let stack: FaultStack;
const effectLog = join(mkdtempSync(join(tmpdir(), "sy-effects-")), "effects.log");
const effectLines = () => {
  try {
    return readFileSync(effectLog, "utf8").split("\n").filter(Boolean);
  } catch {
    return []; // nothing sent yet
  }
};

beforeAll(async () => {
  stack = await startFaultStack({ SY_ACK_WAIT_MS: String(ACK_WAIT_MS), SY_TEST_EFFECT_LOG: effectLog });
  await stack.startCoordinator().ready();
});
afterAll(async () => {
  await stack?.stop();
});

it("kill -9 between a write effect and the ack: after redelivery the effect has run once", async () => {
  const first = stack.startService("notifier-a", ENTRIES.notifier, { SY_TEST_THINK_MS: "30000" });
  await first.ready();
  const id = randomUUID();
  await stack.submitGoal(id, "notify", { to: `c-${id}@example.com` });
  await expect.poll(() => effectLines().filter((l) => l.includes(id)), { timeout: 15_000 }).toHaveLength(1);
  // Killed only once the outcome is in the ledger: a kill between the effect and its record is another case (the
  // redelivered run cannot know whether the email went out, and asks a person), and on a loaded machine it is a
  // window wide enough to hit.
  const effectKey =
    effectLines()
      .find((l) => l.includes(id))
      ?.split(" ")[0] ?? "";
  const settled = async () => {
    const entry = await stack.buckets.effects.get(effectKey);
    return entry?.operation === "PUT" ? entry.json<{ state: string }>().state : undefined;
  };
  await expect.poll(settled, { timeout: 15_000 }).toBe("done");
  // The agent is now thinking, long before it could ack.
  await first.kill9();

  const second = stack.startService("notifier-b", ENTRIES.notifier, { SY_TEST_THINK_MS: "0" });
  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  expect(result.subtasks[0]?.instance).toBe("notifier-b");
  expect(effectLines().filter((l) => l.includes(id))).toHaveLength(1);
  const replayed = await stack.log.waitForEvent(
    (e) => e.type === "tool.call" && e.goalId === id && e.outcome === "replayed",
  );
  expect(replayed).toMatchObject({ tool: "send_email", kind: "write" });
  await second.stop();
  // Longer than the result wait inside, so a slow redelivery fails with what it waited for, not a bare timeout.
}, 90_000);

it("two replicas share one agent's work, and $SRV.INFO lists the agent card", async () => {
  const replicas = [
    stack.startService("notifier-1", ENTRIES.notifier, { SY_TEST_THINK_MS: "300" }),
    stack.startService("notifier-2", ENTRIES.notifier, { SY_TEST_THINK_MS: "300" }),
  ];
  await Promise.all(replicas.map((r) => r.ready()));

  // Discovery is a scatter-gather: on a busy machine a replica may answer late, so ask until both have answered.
  const discover = async () => {
    const infos = await new Svcm(stack.bus.nc)
      .client({ strategy: "timer", maxWait: 1_000 })
      .info(stack.bus.names.services.agent("notifier"));
    const found: AgentCard[] = [];
    for await (const info of infos) {
      if (info.metadata?.["sy_prefix"] === stack.bus.names.prefix)
        found.push(AgentCard.parse(JSON.parse(info.metadata["sy_card"] ?? "")));
    }
    return found;
  };
  let cards: AgentCard[] = [];
  await expect.poll(async () => (cards = await discover()).length, { timeout: 15_000 }).toBe(2);
  expect(cards[0]).toMatchObject({
    name: "notifier",
    kind: "llm",
    model: "scripted:notifier",
    tools: [{ name: "send_email", kind: "write" }],
  });

  const ids = Array.from({ length: 8 }, () => randomUUID());
  await Promise.all(ids.map((id) => stack.submitGoal(id, "notify", { to: `c-${id}@example.com` })));
  const results = await Promise.all(ids.map((id) => waitForStoredResult(stack.bus, id)));
  expect(results.every((r) => r.status === "ok")).toBe(true);
  const instances = new Set(results.map((r) => r.subtasks[0]?.instance));
  expect(instances).toEqual(new Set(["notifier-1", "notifier-2"]));
  for (const id of ids) expect(effectLines().filter((l) => l.includes(id))).toHaveLength(1);
});
