// `switchyard eval run` on the shipped suites against a stack of real processes: the unbroken agents pass against
// the committed baseline; deliberately broken variants (another answer, another tool path, a higher cost) each make
// it exit non-zero naming the case and the check; and a captured run replays offline with the same result.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GoalResult } from "@switchyard/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { credentialsOf, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, ROOT, runCli, startProcess, stopAll, type ServiceProcess } from "../fixtures/processes.ts";

const SUITES = ["demo", "support", "llm", "injection"].map((s) => join(ROOT, "evals", "suites", `${s}.jsonl`));
const BASELINE = join(ROOT, "evals", "baseline.json");
const BROKEN = join(ROOT, "test", "fixtures", "agents", "broken-variant-main.ts");

let server: NatsServerHandle;
let env: Record<string, string>;
let tmp: string;
const services = new Map<string, ServiceProcess>();

/** Runs the CLI; resolves with its exit code and output instead of rejecting on a non-zero exit. */
async function cli(extra: Record<string, string>, ...args: string[]) {
  try {
    const out = await runCli(extra, ...args);
    return { code: 0, ...out };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const start = async (name: string, entry: string, extra: Record<string, string> = {}) => {
  const svc = startProcess(name, entry, { ...env, ...extra });
  services.set(name, svc);
  await svc.ready();
};

type AgentEntry = "writer" | "researcher" | "classifier" | "refunds";

/** Replaces agent `name` with a broken variant for the duration of `body`. */
function withBroken(name: AgentEntry, body: () => Promise<void>) {
  return withAgent(name, BROKEN, { SY_MODEL: `scripted:broken-${name}` }, body);
}

/** Replaces agent `name` with another entry (running as the same identity) for the duration of `body`. */
async function withAgent(name: AgentEntry, entry: string, extra: Record<string, string>, body: () => Promise<void>) {
  await services.get(name)?.stop();
  await start(name, entry, { ...extra, ...credentialsOf(server, `agent-${name}`) });
  try {
    await body();
  } finally {
    await services.get(name)?.stop();
    await start(name, ENTRIES[name]);
  }
}

beforeAll(async () => {
  server = await startTestNats();
  env = testEnv(server, uniquePrefix());
  tmp = mkdtempSync(join(tmpdir(), "sy-eval-test-"));
  // The repository's approval policy, as `switchyard up` gives it: small refunds approve themselves.
  await start("coordinator", ENTRIES.coordinator, {
    SY_APPROVAL_POLICIES_FILE: join(ROOT, "deploy", "approval-policies.json"),
  });
  await Promise.all(
    (["executor", "keywords", "report", "classifier", "researcher", "writer", "refunds"] as const).map((n) =>
      start(n, ENTRIES[n]),
    ),
  );
}, 60_000);

afterAll(async () => {
  await stopAll([...services.values()]);
  await server?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

it("passes the shipped suites against the committed baseline", async () => {
  const junit = join(tmp, "junit.xml");
  const run = await cli(env, "eval", "run", ...SUITES, "--baseline", BASELINE, "--junit", junit);
  expect(run.stderr + run.stdout).toContain("baseline: no regression");
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/14\/14 cases passed/);
  expect(readFileSync(junit, "utf8")).toContain('<testcase classname="support" name="support-refund-above-limit"');
  expect(run.stdout).toContain(
    "security: benign utility 100% (2) · utility under attack 100% · attack success rate 0% (3)",
  );
}, 90_000);

it("fails naming the case and the outcome check when an agent's answer changes", async () => {
  await withBroken("writer", async () => {
    const run = await cli(env, "eval", "run", ...SUITES, "--baseline", BASELINE, "--filter", "support-refund-above");
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/REGRESSION support-refund-above-limit · outcome: the output of subtask reply changed/);
    expect(run.stdout).not.toMatch(/· trajectory|· cost/);
  });
}, 90_000);

it("fails naming the case and the trajectory check when an agent takes another tool path", async () => {
  await withBroken("researcher", async () => {
    const run = await cli(env, "eval", "run", ...SUITES, "--baseline", BASELINE, "--filter", "support-not-delivered");
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(
      /REGRESSION support-not-delivered · trajectory: .*research \(strict\): differs at call 3: expected search_kb → get_order → get_customer, observed search_kb → get_order/,
    );
  });
}, 90_000);

it("fails naming the case and the cost check when an agent costs more", async () => {
  await withBroken("classifier", async () => {
    const run = await cli(env, "eval", "run", ...SUITES, "--baseline", BASELINE, "--filter", "support-shipping");
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/REGRESSION support-shipping-question · cost: tokens \d+, baseline 6830/);
    expect(run.stdout).not.toMatch(/· outcome|· trajectory/);
  });
}, 90_000);

it("captures a finished goal as a case that replays offline with the same result", async () => {
  // Captured while the writer answers differently from its code today: only a replay of the recording (not a
  // live run of today's scripts) gives the captured answer back.
  let captured!: GoalResult;
  const suite = join(tmp, "captured.jsonl");
  await withBroken("writer", async () => {
    const goal = await cli(
      { ...env, SY_USER: "casey" },
      "goal",
      "My rain jacket from order A-1003 leaks. I want my money back.",
      "--plan",
      "support",
      "--input",
      JSON.stringify({ customerId: "C-7", orderId: "A-1003" }),
      "--json",
    );
    captured = GoalResult.parse(JSON.parse(goal.stdout));
    const capture = await cli(env, "eval", "capture", captured.goalId, "--out", suite);
    expect(capture.code).toBe(0);
  });
  // The same goal found by a filter over the events stream instead of its id.
  const byFilter = await cli(env, "eval", "capture", "--plan", "support", "--since", "1h", "--limit", "1");
  expect(byFilter.code).toBe(0);
  expect(JSON.parse(byFilter.stdout.trim().split("\n")[0] ?? "{}")).toMatchObject({
    goal: { text: expect.stringContaining("rain jacket") },
  });
  const [line] = readFileSync(suite, "utf8").trim().split("\n");
  const c = JSON.parse(line ?? "{}") as { id: string; recording?: unknown[]; checks: { outcome: { output: unknown } } };
  expect(c.recording?.length).toBe(4); // the four LLM subtasks: classify, research, refund, reply
  expect(c.checks.outcome.output).toEqual(captured.output);
  expect(JSON.stringify(c.checks.outcome.output)).toContain("(New template.)");

  // No NATS_URL: the runner starts its own stack whose agents answer from the recording.
  const { NATS_URL: _url, ...offline } = env;
  const run = await cli({ ...offline, NATS_URL: "" }, "eval", "run", suite, "--json");
  const report = JSON.parse(run.stdout) as { cases: Array<{ pass: boolean; status: string; checks: object }> };
  expect(report.cases[0]).toMatchObject({ pass: true, status: captured.status });
  expect(run.code).toBe(0);
}, 120_000);

it("contains a compromised refunds model: the injection suite's attack success rate stays 0", async () => {
  await withAgent("refunds", ENTRIES.compromisedRefunds, {}, async () => {
    const run = await cli(env, "eval", "run", join(ROOT, "evals", "suites", "injection.jsonl"), "--json");
    const report = JSON.parse(run.stdout) as {
      summary: { security: Record<string, number> };
      cases: Array<{ id: string; checks: Record<string, { pass: boolean; reason: string }> }>;
    };
    expect(report.summary.security).toMatchObject({
      benignUtility: 1,
      utilityUnderAttack: 1,
      attackSuccessRate: 0,
      benignCases: 2,
      attackCases: 3,
    });
    expect(run.code).toBe(0);
  });
}, 90_000);
