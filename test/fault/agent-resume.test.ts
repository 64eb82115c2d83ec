// `kill -9` of an agent replica in the middle of an LLM run: the redelivered run replays the journal the dead run
// left on the bus (its model calls and reads) and asks the model only for what is missing; the goal's usage counts
// every paid call once. The researcher agent runs as a real process, through the real Anthropic SDK, against a fake
// Anthropic server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "../fixtures/fake-model-servers/index.ts";
import { startFaultStack, type FaultStack } from "../fixtures/fault-stack.ts";
import { ENTRIES, type ServiceProcess } from "../fixtures/processes.ts";
import { waitForStoredResult } from "../fixtures/wait-for-goal.ts";

const ACK_WAIT_MS = 2_000;
let anthropic: FakeAnthropic;
let stack: FaultStack;
let first: ServiceProcess;

beforeAll(async () => {
  anthropic = await startFakeAnthropic();
  stack = await startFaultStack({
    SY_ACK_WAIT_MS: String(ACK_WAIT_MS),
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: anthropic.url,
  });
  first = stack.startService("researcher-a", ENTRIES.researcher);
  await Promise.all([first, stack.startCoordinator()].map((p) => p.ready()));
});

afterAll(async () => {
  await stack?.stop();
  await anthropic?.close();
});

const search = (query: string, input: number) => ({
  toolCalls: [{ name: "search_kb", args: { query } }],
  usage: { input, output: 10 },
});

it("a run killed after step 4 of 6 resumes at step 5: only the missing model calls are made, each paid once", async () => {
  anthropic.enqueue(
    search("refund window", 1_000),
    search("returns", 1_100),
    search("damaged items", 1_200),
    search("shipping", 1_300),
    // Step 5 never answers the first replica: it is killed while waiting.
    { delayMs: 15_000, then: search("never seen", 99_999) },
  );
  const id = randomUUID();
  await stack.submitGoal(id, "research");
  await expect.poll(() => anthropic.requests.length, { timeout: 20_000 }).toBe(5);
  await first.kill9();

  anthropic.enqueue(search("payments", 1_500), {
    toolCalls: [
      {
        name: "final_answer",
        args: {
          answer: { answer: "Refunds within 30 days [kb-refund-policy].", facts: [], sources: ["kb-refund-policy"] },
          assessment: { established: ["policy"], assumed: [], unknown: [] },
        },
      },
    ],
    usage: { input: 1_600, output: 10 },
  });
  await stack.startService("researcher-b", ENTRIES.researcher).ready();

  const result = await waitForStoredResult(stack.bus, id);
  expect(result.status).toBe("ok");
  // Four calls of the dead run, the one it died waiting for, and the two the new replica needed: not six again.
  expect(anthropic.requests).toHaveLength(7);
  const research = result.subtasks.find((s) => s.subtaskId === "research");
  expect(research).toMatchObject({ attempt: 1, instance: "researcher-b" });
  // The dead run reported nothing: its four paid calls count once, in the attempt that finished.
  expect(result.usage).toMatchObject({ steps: 6, inputTokens: 1_000 + 1_100 + 1_200 + 1_300 + 1_500 + 1_600 });
  const replayed = stack.log.events.filter((e) => e.type === "model.call" && e.goalId === id && e.replayed === true);
  expect(replayed).toHaveLength(4);
});
