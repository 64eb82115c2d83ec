// The console in a real browser (Debian's Chromium, headless, driven by playwright-core): a person watches a goal
// progress live, approves a refund and sees the goal finish, answers a question, and filters the goals list. The
// stack runs on an authorized bus; the console connects as the person reviewer-rita, and as acme's backend to submit.
// A failing test leaves a screenshot in test/.artifacts/.
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { serveAgent, type ServedAgent } from "@switchyard/agent-kit";
import { classifierAgent } from "@switchyard/agent-classifier";
import { refundsAgent } from "@switchyard/agent-refunds";
import { researcherAgent } from "@switchyard/agent-researcher";
import { writerAgent } from "@switchyard/agent-writer";
import { startConsole, type RunningConsole } from "@switchyard/cli/console";
import { Goal, WIRE_VERSION } from "@switchyard/contracts";
import {
  createCoordinator,
  loadApprovalPolicies,
  loadTemplateCatalog,
  type Coordinator,
} from "@switchyard/coordinator";
import { serveExecutor, type ServedExecutor } from "@switchyard/executor";
import { createLogger, identity, publishJson, type Buckets, type Bus } from "@switchyard/infra";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { askerAgent } from "../fixtures/agents/asker.ts";
import { sleepyAgent } from "../fixtures/agents/sleepy.ts";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { recordingRefundAction, type RecordedRefund } from "../fixtures/recording-refunds.ts";
import { connectTestBus, startTestNats, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ROOT } from "../fixtures/processes.ts";

const CHROMIUM = process.env["SY_CHROMIUM"] ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test/.artifacts");
const logger = createLogger({ service: "test", level: "silent" });
const prefix = uniquePrefix();
let server: NatsServerHandle;
let bus: Bus;
let buckets: Buckets;
let log: EventLog;
let coordinator: Coordinator;
let executor: ServedExecutor;
let personBus: Bus;
let backendBus: Bus;
let consoleApp: RunningConsole;
let browser: Browser;
let page: Page;
const agents: ServedAgent[] = [];
const refunds: RecordedRefund[] = [];

const issueRefund = recordingRefundAction(refunds);

// Without Chromium there is no browser to test in; CI installs it (.ci/run), so there a missing one fails the run.
const haveBrowser = existsSync(CHROMIUM) || process.env["CI"] !== undefined;

describe.skipIf(!haveBrowser)("the console in a browser", () => {
  beforeAll(async () => {
    server = await startTestNats();
    ({ bus, buckets } = await connectTestBus(server, prefix));
    log = collectEvents(bus.nc, bus.names);
    coordinator = await createCoordinator({
      bus,
      buckets,
      logger,
      templates: loadTemplateCatalog(join(ROOT, "test/fixtures/templates.json")),
      approvalPolicies: loadApprovalPolicies(join(ROOT, "deploy/approval-policies.json")),
    });
    for (const agent of [classifierAgent, researcherAgent, writerAgent, refundsAgent, askerAgent, sleepyAgent]) {
      agents.push(await serveAgent({ agent, bus, buckets, logger }));
    }
    executor = await serveExecutor({ actions: [issueRefund], bus, buckets, logger });
    ({ bus: personBus } = await connectTestBus(server, prefix, {}, "approver-reviewer-rita"));
    ({ bus: backendBus } = await connectTestBus(server, prefix, {}, "backend-acme"));
    consoleApp = await startConsole({
      bus: personBus,
      identity: identity("approver", "reviewer-rita"),
      submitter: { bus: backendBus, tenant: "acme" },
      logger,
      port: 0,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await consoleApp?.close();
    log?.stop();
    for (const a of agents) await a.stop();
    await executor?.stop();
    await coordinator?.stop();
    for (const b of [personBus, backendBus, bus]) await b?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    page = await browser.newPage();
    await page.goto(consoleApp.url);
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state === "fail") {
      mkdirSync(ARTIFACTS, { recursive: true });
      const file = join(ARTIFACTS, `console-${ctx.task.name.replace(/\W+/g, "-")}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.error(`screenshot of the failed page: ${file}`);
    }
    await page.close();
  });

  async function submit(plan: string, text: string, input?: unknown): Promise<string> {
    const id = randomUUID();
    const goal = Goal.parse({ v: WIRE_VERSION, id, tenant: "acme", user: "dana", text, input, plan });
    await publishJson(bus, bus.names.subjects.goalSubmit("acme"), Goal, goal, { msgId: id });
    return id;
  }

  it("shows a goal's DAG progress live, without a reload", async () => {
    const id = await submit("slow", "slow goal", { sleepMs: 1_500 });
    await page.goto(`${new URL(consoleApp.url).origin}/#/goal/${id}`);
    // While the first subtask sleeps, the second waits for it.
    await expect
      .poll(() => page.getAttribute('[data-node="first"]', "data-node-state"), { timeout: 10_000 })
      .toMatch(/dispatched|running/);
    expect(await page.getAttribute('[data-node="second"]', "data-node-state")).toBe("pending");
    // Then both finish, pushed by the server's events: the page is never reloaded.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await expect
      .poll(() => page.getAttribute('[data-node="second"]', "data-node-state"), { timeout: 20_000 })
      .toBe("ok");
    await expect.poll(() => page.textContent("h1 [data-state]")).toBe("ok");
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // Under the subtask, its steps (here: the handler's run) come from the events stream.
    expect(await page.textContent('[data-subtask="first"]')).toContain("sleepy");
  });

  it("approves a refund from the review inbox, and the goal finishes with the refund executed once", async () => {
    const id = await submit(
      "support",
      "My trail running shoes from order A-1001 fell apart after a week. I want a refund.",
      { customerId: "C-42", orderId: "A-1001" },
    );
    const paused = await log.waitForResult(id);
    expect(paused.status).toBe("needs_approval");
    const proposalId = paused.pendingApprovals[0] ?? "";
    await page.click('[data-nav="review"]');
    const card = page.locator(`[data-proposal="${proposalId}"]`);
    await card.waitFor({ timeout: 10_000 });
    // The reviewer sees the arguments and the agent's reason before deciding.
    expect(await card.textContent()).toContain("A-1001");
    expect(await card.textContent()).toContain("issue_refund");
    await card.getByRole("button", { name: "Approve" }).click();
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 30_000);
    expect(final).toMatchObject({ status: "ok" });
    expect(refunds.filter((r) => r.key === proposalId)).toEqual([
      { orderId: "A-1001", amountUsd: 129, key: proposalId },
    ]);
    // The goal page shows the decision and who made it.
    await page.goto(`${new URL(consoleApp.url).origin}/#/goal/${id}`);
    await expect.poll(() => page.textContent("h1 [data-state]"), { timeout: 10_000 }).toBe("ok");
    expect(await page.textContent(`[data-proposal="${proposalId}"]`)).toContain("decided by reviewer-rita");
    // The README's picture of the goal view is taken here (SY_CONSOLE_SCREENSHOT=<file>).
    const picture = process.env["SY_CONSOLE_SCREENSHOT"];
    if (picture !== undefined) {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: picture, fullPage: false });
    }
  });

  it("answers a question from the review inbox, and the goal goes on with the answer", async () => {
    const id = await submit("ask", "Please check my order");
    const paused = await log.waitForResult(id);
    expect(paused.status).toBe("needs_input");
    await page.click('[data-nav="review"]');
    const question = page.locator(`[data-question="${id}"]`);
    await question.waitFor({ timeout: 10_000 });
    expect(await question.textContent()).toContain("Which order is this about?");
    await question.locator("textarea").fill("A-1001");
    await question.getByRole("button", { name: "Send answer" }).click();
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 30_000);
    expect(final).toMatchObject({ status: "ok" });
    const result = log.results.filter((r) => r.goalId === id).at(-1);
    expect(result?.output).toMatchObject({ echo: "A-1001" });
    expect(log.events.find((e) => e.type === "goal.resumed" && e.goalId === id)).toMatchObject({
      answeredBy: "reviewer-rita",
    });
  });

  it("holds an output for review: an edit from the inbox is what the next subtask and the goal get", async () => {
    const id = await submit("held", "draft: refund approved");
    const paused = await log.waitForResult(id);
    expect(paused.status).toBe("needs_review");
    await page.click('[data-nav="review"]');
    const held = page.locator(`[data-held="${id}/draft"]`);
    await held.waitFor({ timeout: 10_000 });
    expect(await held.locator("textarea").inputValue()).toContain("draft: refund approved");
    const edited = JSON.parse(await held.locator("textarea").inputValue()) as { echo: string; instance: string };
    await held.locator("textarea").fill(JSON.stringify({ ...edited, echo: "refund approved, with apologies" }));
    await held.getByRole("button", { name: "Save edit" }).click();
    const final = await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 30_000);
    expect(final).toMatchObject({ status: "ok" });
    const result = log.results.filter((r) => r.goalId === id).at(-1);
    expect(result?.output).toMatchObject({ echo: "refund approved, with apologies" });
    expect(result?.subtasks.find((s) => s.subtaskId === "draft")?.review).toMatchObject({
      decision: "edit",
      by: "reviewer-rita",
    });
  });

  it("accepts a held output as it is, and a rejection fails the goal with the reviewer's reason", async () => {
    const accepted = await submit("held", "fine as it is");
    const rejected = await submit("held", "not this one");
    for (const id of [accepted, rejected]) expect((await log.waitForResult(id)).status).toBe("needs_review");
    await page.click('[data-nav="review"]');
    const first = page.locator(`[data-held="${accepted}/draft"]`);
    await first.waitFor({ timeout: 10_000 });
    await first.getByRole("button", { name: "Accept" }).click();
    const second = page.locator(`[data-held="${rejected}/draft"]`);
    await second.locator("input").fill("wrong customer");
    await second.getByRole("button", { name: "Reject" }).click();
    const ends = await Promise.all(
      [accepted, rejected].map((id) => log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === id, 30_000)),
    );
    expect(ends[0]).toMatchObject({ status: "ok" });
    expect(ends[1]).toMatchObject({ status: "failed", failure: { kind: "policy_denied" } });
    const failure = log.results.filter((r) => r.goalId === rejected).at(-1)?.failure;
    expect(failure?.message).toContain("output rejected by reviewer-rita: wrong customer");
  });

  it("filters the goals list by state and plan, and finds a goal by id", async () => {
    const okId = await submit("slow", "a quick one", { sleepMs: 0 });
    const waitingId = await submit("ask", "which one?");
    await log.waitForResult(okId);
    await log.waitForResult(waitingId);
    await page.goto(`${new URL(consoleApp.url).origin}/#/goals?plan=ask&status=paused`);
    await page.locator(`[data-goal="${waitingId}"]`).waitFor({ timeout: 10_000 });
    const rows = await Promise.all((await page.locator("[data-goal]").all()).map((r) => r.getAttribute("data-goal")));
    expect(rows).toContain(waitingId);
    expect(rows).not.toContain(okId);
    // The filter's fields show what is applied; search narrows to one goal.
    expect(await page.inputValue('[data-filter="plan"]')).toBe("ask");
    await page.goto(`${new URL(consoleApp.url).origin}/#/goals?q=${okId.slice(0, 13)}`);
    await page.locator(`[data-goal="${okId}"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator("[data-goal]").count()).toBe(1);
    // Counts by status cover every goal, whatever the filter.
    expect(Number((await page.textContent('[data-count="ok"]'))?.replace(/\D+/g, ""))).toBeGreaterThanOrEqual(1);
  });

  it("refuses the API without the URL's token", async () => {
    const res = await fetch(`${new URL(consoleApp.url).origin}/api/goals`);
    expect(res.status).toBe(401);
  });
});
