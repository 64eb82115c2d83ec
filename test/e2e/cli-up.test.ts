// `switchyard up` runs every service as its own process and stops them all on SIGTERM.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { GoalResult } from "@switchyard/contracts";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestNats, testEnv, uniquePrefix, type NatsServerHandle } from "../fixtures/nats.ts";
import { ENTRIES, ROOT, runCli } from "../fixtures/processes.ts";

const TSX = import.meta.resolve("tsx");
let server: NatsServerHandle;
beforeAll(async () => {
  server = await startTestNats();
});
afterAll(async () => {
  await server?.stop();
});

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("starts the coordinator, the executor and each agent as processes, serves a goal, and stops them all on SIGTERM", async () => {
  const prefix = uniquePrefix();
  // Services that log only warnings still count as ready: readiness is each one's /readyz, not a log line.
  const env = { ...process.env, ...testEnv(server, prefix), SY_LOG_LEVEL: "warn" };
  const up = spawn(process.execPath, ["--import", TSX, ENTRIES.cli, "up", "--nats", server.url], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pids = new Map<string, number>();
  const stderr: string[] = [];
  let isUp!: () => void;
  const upSignal = new Promise<void>((r) => (isUp = r));
  createInterface({ input: up.stderr }).on("line", (line) => {
    stderr.push(line);
    const m = /started (\S+) \(pid (\d+)\)/.exec(line);
    if (m?.[1] !== undefined) pids.set(m[1], Number(m[2]));
    if (line.includes("stack is up")) isUp();
  });
  up.stdout.resume();
  const exited = new Promise<number | null>((r) => up.once("exit", (code) => r(code)));
  await upSignal;
  expect([...pids.keys()].sort()).toEqual([
    "agent-classifier",
    "agent-keywords",
    "agent-refunds",
    "agent-report",
    "agent-researcher",
    "agent-writer",
    "coordinator",
    "executor",
  ]);

  // "Up" means ready: every agent answers discovery at once, and the hint names the bus up was given.
  const cli = (...args: string[]) => runCli(testEnv(server, prefix), ...args);
  const agents = JSON.parse((await cli("agents", "--json")).stdout) as Array<{ name: string }>;
  expect(agents.map((a) => a.name).sort()).toEqual([
    "classifier",
    "keywords",
    "refunds",
    "report",
    "researcher",
    "writer",
  ]);
  expect(stderr.find((l) => l.includes("stack is up"))).toContain(
    `submit a goal with: pnpm switchyard goal "some text" --nats ${server.url}`,
  );
  const { stdout } = await cli("goal", "Processes talk over the bus. The bus carries goals.", "--json");
  expect(GoalResult.parse(JSON.parse(stdout)).status).toBe("ok");

  up.kill("SIGTERM");
  expect(await exited).toBe(0);
  for (const [name, pid] of pids) expect(alive(pid), name).toBe(false);
  expect(stderr.join("\n")).toMatch(/stopped$/m);
});
