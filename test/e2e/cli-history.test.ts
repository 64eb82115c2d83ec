// `switchyard trace` and `switchyard costs` read back what real goals left in the events stream.
import type { NatsConnection } from "@nats-io/transport-node";
import { GoalResult, wireNames } from "@switchyard/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectEvents, type EventLog } from "../fixtures/events.ts";
import { connectRaw, startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, runCli, type ServiceProcess, startProcess, stopAll } from "../fixtures/processes.ts";

/** A node of `trace --json` (the shape the CLI documents). */
type Node = { type: string; label: string; status?: string; children: Node[] } & Record<string, unknown>;
type CostRow = {
  key: string;
  goals: number;
  subtasks: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
};

let server: NatsServerHandle;
let env: Record<string, string>;
let services: ServiceProcess[] = [];
let nc: NatsConnection;
let log: EventLog;
/** The goals run for the tests, with whom they ran for. */
const goals: Array<{ user: string; result: GoalResult }> = [];

const cli = (...args: string[]) => runCli({ ...env }, ...args);

beforeAll(async () => {
  server = await startTestNats();
  const prefix = uniquePrefix();
  env = testEnv(server, prefix);
  services = [
    startProcess("coordinator", ENTRIES.coordinator, env),
    startProcess("keywords", ENTRIES.keywords, env),
    startProcess("report", ENTRIES.report, env),
  ];
  await Promise.all(services.map((s) => s.ready()));
  nc = await connectRaw(server, "operator"); // reads the events, as the read commands do
  log = collectEvents(nc, wireNames(prefix));

  const runs = [
    { user: "alice", tenant: "acme", text: "Budgets stop agents that loop. Agents need budgets." },
    { user: "alice", tenant: "acme", text: "Traces show where the tokens went." },
    { user: "bob", tenant: "globex", text: "Costs per user, per tenant, per agent." },
  ];
  const outputs = await Promise.all(
    runs.map((r) => cli("goal", r.text, "--plan", "demo", "--user", r.user, "--tenant", r.tenant, "--json")),
  );
  outputs.forEach(({ stdout }, i) =>
    goals.push({ user: runs[i]?.user ?? "", result: GoalResult.parse(JSON.parse(stdout)) }),
  );
  // The CLI returns once the goal's record says finished; the last events may land a moment later.
  for (const { result } of goals) {
    await log.waitForEvent((e) => e.type === "goal.finished" && e.goalId === result.goalId);
    for (const s of result.subtasks) {
      await log.waitForEvent(
        (e) => e.type === "subtask.finished" && e.goalId === result.goalId && e.subtaskId === s.subtaskId,
      );
    }
  }
  // A compromised agent publishes, in its own name, history and billing events for a goal it worked on: a goal of a
  // user who never submitted one, the other agent's run, and a run of its own that was never dispatched, each of
  // them costing 999 USD. Neither trace nor costs may show them.
  const forger = await connectRaw(server, "agent-keywords");
  const goalId = goals[0]?.result.goalId ?? "";
  const theirs = log.events.find((e) => e.type === "subtask.finished" && e.agent === "report" && e.goalId === goalId);
  const mine = log.events.find((e) => e.type === "subtask.finished" && e.agent === "keywords" && e.goalId === goalId);
  const costly = { steps: 1, inputTokens: 1e6, outputTokens: 1e6, costUsd: 999, ms: 1 };
  const forged = [
    { ...log.events.find((e) => e.type === "goal.accepted"), goalId, user: "mallory" },
    { ...theirs, usage: costly },
    { ...mine, attempt: 5, usage: costly },
  ];
  for (const event of forged) {
    await forger.request(wireNames(prefix).subjects.events("acme", goalId, "agent-keywords"), JSON.stringify(event));
  }
  await forger.close();
});

afterAll(async () => {
  log?.stop();
  await nc?.close();
  await stopAll(services);
  await server?.stop();
});

describe("switchyard trace", () => {
  it("draws the goal with its keywords and report subtasks", async () => {
    const id = goals[0]?.result.goalId ?? "";
    const { stdout } = await cli("trace", id);
    const lines = stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^\\+0\\.000s  goal ${id}  \\[ok · 0 tok · \\$0\\.0000 · \\d+ ms\\]  — plan demo · user alice · tenant acme$`,
      ),
    );
    // Time since the goal started, the tree, the label, then [status · tokens · cost · time] and the detail.
    expect(lines[1]).toMatch(/^\+\d+\.\d{3}s {2}├─ keywords → keywords @ \S+ {2}\[ok · 0 tok · \$0\.0000 · \d+ ms\]$/);
    expect(lines[2]).toMatch(
      /^\+\d+\.\d{3}s {2}└─ report → report @ \S+ {2}\[ok · 0 tok · \$0\.0000 · \d+ ms\] {2}— after keywords$/,
    );
  });

  it("prints the same tree as JSON with nested children", async () => {
    const { result } = goals[2] ?? {};
    const { stdout } = await cli("trace", result?.goalId ?? "", "--json");
    const tree = JSON.parse(stdout) as Node;
    expect(tree).toMatchObject({ type: "goal", label: `goal ${result?.goalId}`, status: "ok", tokens: 0, costUsd: 0 });
    // The goal.accepted event's time: just after the record's acceptedAt, before the result.
    const at = Date.parse(String(tree.at));
    expect(at).toBeGreaterThanOrEqual(Date.parse(result?.acceptedAt ?? ""));
    expect(at).toBeLessThanOrEqual(Date.parse(result?.finishedAt ?? ""));
    expect(tree.children.map((c) => [c.type, c.label.split(" ")[0], c.status])).toEqual([
      ["subtask", "keywords", "ok"],
      ["subtask", "report", "ok"],
    ]);
    const instances = result?.subtasks.map((s) => s.instance);
    expect(tree.children.map((c) => c.label.split(" @ ")[1])).toEqual(instances);
    const walk = (n: Node): boolean =>
      typeof n.label === "string" && Array.isArray(n.children) && n.children.every(walk);
    expect(walk(tree)).toBe(true);
  });

  it("fails with a message naming an unknown goal id, and refuses an id that is not one", async () => {
    const missing = await cli("trace", "no-such-goal-42").catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 3, stderr: expect.stringMatching(/no events for goal "no-such-goal-42"/) });
    const bad = await cli("trace", "a.>").catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 2, stderr: expect.stringMatching(/invalid goal id "a\.>"/) });
  });
});

describe("switchyard costs", () => {
  it("--by user sums each user's goals, subtasks and usage like their GoalResults", async () => {
    const { stdout } = await cli("costs", "--by", "user", "--json");
    const rows = JSON.parse(stdout) as CostRow[];
    const expected = ["alice", "bob"].map((user) => {
      const mine = goals.filter((g) => g.user === user).map((g) => g.result);
      return {
        key: user,
        goals: mine.length,
        subtasks: mine.reduce((n, r) => n + r.subtasks.length, 0),
        inputTokens: mine.reduce((n, r) => n + r.usage.inputTokens, 0),
        outputTokens: mine.reduce((n, r) => n + r.usage.outputTokens, 0),
        costUsd: mine.reduce((n, r) => n + r.usage.costUsd, 0),
      };
    });
    expect(rows).toEqual(expected);
    expect(rows.map((r) => [r.key, r.goals, r.subtasks])).toEqual([
      ["alice", 2, 4],
      ["bob", 1, 2],
    ]);
  });

  it("--by agent lists keywords and report; --by tenant as a table", async () => {
    const json = JSON.parse((await cli("costs", "--by", "agent", "--since", "30m", "--json")).stdout) as CostRow[];
    expect(json.map((r) => [r.key, r.goals, r.subtasks])).toEqual([
      ["keywords", 3, 3],
      ["report", 3, 3],
    ]);
    const { stdout } = await cli("costs", "--by", "agent");
    expect(stdout).toMatch(/^AGENT +GOALS +SUBTASKS +INPUT TOKENS +OUTPUT TOKENS +COST USD$/m);
    expect(stdout).toMatch(/^keywords +3 +3 +0 +0 +\$0\.0000$/m);
    expect(stdout).toMatch(/^report +3 +3 +0 +0 +\$0\.0000$/m);
    expect(stdout).toMatch(/^TOTAL +3 +6 +0 +0 +\$0\.0000$/m);
    const tenants = (await cli("costs", "--by", "tenant")).stdout;
    expect(tenants).toMatch(/^acme +2 +4 /m);
    expect(tenants).toMatch(/^globex +1 +2 /m);
  });

  it("rejects a bad --by or --since with exit code 2", async () => {
    const by = await cli("costs", "--by", "planet").catch((e: { code: number; stderr: string }) => e);
    expect(by).toMatchObject({ code: 2, stderr: expect.stringMatching(/--by must be one of user, tenant, agent/) });
    const since = await cli("costs", "--by", "user", "--since", "yesterday").catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(since).toMatchObject({ code: 2, stderr: expect.stringMatching(/--since must be a duration/) });
  });
});

describe("switchyard goals", () => {
  type Listed = { goalId: string; status: string; plan: string; tenant: string; user: string; tokens: number };
  const list = async (...args: string[]) =>
    (JSON.parse((await cli("goals", "--json", ...args)).stdout) as Listed[]).map((g) => g.goalId).sort();
  const ids = (pick: (g: { user: string; result: GoalResult }) => boolean) =>
    goals
      .filter(pick)
      .map((g) => g.result.goalId)
      .sort();

  it("lists every goal from its record, and filters by status, plan, tenant, user and time", async () => {
    const all = JSON.parse((await cli("goals", "--json")).stdout) as Listed[];
    expect(all.map((g) => g.goalId).sort()).toEqual(ids(() => true));
    expect(all.every((g) => g.status === "ok" && g.plan === "demo")).toBe(true);
    expect(all.find((g) => g.user === "bob")).toMatchObject({ tenant: "globex", tokens: 0 });
    expect(await list("--tenant", "globex")).toEqual(ids((g) => g.user === "bob"));
    expect(await list("--user", "alice", "--status", "ok,failed")).toEqual(ids((g) => g.user === "alice"));
    expect(await list("--plan", "demo", "--since", "1h")).toEqual(ids(() => true));
    expect(await list("--status", "failed")).toEqual([]);
    expect(await list("--paused")).toEqual([]);
    expect(await list("--plan", "support")).toEqual([]);
  });

  it("prints a table, and refuses an unknown status or a bad --since with exit code 2", async () => {
    const { stdout } = await cli("goals", "--user", "bob");
    expect(stdout).toMatch(/^GOAL +STATUS +PLAN +USER@TENANT +ACCEPTED +SUBTASKS +TOKENS +COST +TEXT$/m);
    expect(stdout).toMatch(
      new RegExp(`^${goals[2]?.result.goalId} +ok +demo +bob@globex +\\S+ +2/2 +0 +\\$0\\.0000 `, "m"),
    );
    expect(stdout).toMatch(/^1 goal\(s\)$/m);
    const status = await cli("goals", "--status", "done").catch((e: { code: number; stderr: string }) => e);
    expect(status).toMatchObject({ code: 2, stderr: expect.stringMatching(/--status: unknown status "done"/) });
    const since = await cli("goals", "--since", "yesterday").catch((e: { code: number; stderr: string }) => e);
    expect(since).toMatchObject({ code: 2, stderr: expect.stringMatching(/--since must be a duration/) });
  });
});

describe("switchyard goal show", () => {
  it("prints one goal's result from its record, exit 0 for ok; --json adds the GoalResult", async () => {
    const { result } = goals[0] ?? {};
    const { stdout } = await cli("goal", "show", result?.goalId ?? "");
    expect(stdout).toMatch(new RegExp(`^goal ${result?.goalId}: ok in \\d+ ms — 2 subtask\\(s\\)`));
    const shown = JSON.parse((await cli("goal", "show", result?.goalId ?? "", "--json")).stdout) as {
      status: string;
      user: string;
      result: GoalResult;
    };
    expect(shown).toMatchObject({ status: "ok", user: "alice" });
    expect(GoalResult.parse(shown.result)).toEqual(result);
  });

  it("says a goal id is unknown with exit code 1", async () => {
    const missing = await cli("goal", "show", "no-such-goal-7").catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/no goal "no-such-goal-7"/) });
  });
});
