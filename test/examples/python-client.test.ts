// The Python backend example (examples/python: standard library and PyNaCl) against a real stack: it authenticates
// with backend-acme's nkey seed, submits a goal and prints the GoalResult the coordinator published. Without python3
// and PyNaCl the tests skip outside CI, saying so; in CI they fail (toolchains.ts).
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/processes.ts";
import { EXAMPLE_TENANT, startExampleStack, type ExampleStack } from "./example-stack.ts";
import { EXAMPLE_GOAL_TEXT, expectPrintedResult } from "./example-result.ts";
import { runCommand } from "./run-command.ts";
import { findPython, toolchainOrSkip } from "./toolchains.ts";

const { toolchain: python, skip } = toolchainOrSkip(findPython());
const script = join(ROOT, "examples/python/submit_goal.py");
const scratch = mkdtempSync(join(tmpdir(), "sy-python-example-"));
let stack: ExampleStack | undefined;

beforeAll(async () => {
  if (python !== undefined) stack = await startExampleStack();
});
afterAll(async () => {
  await stack?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

function submitGoal(args: string[], env: Record<string, string> = {}) {
  if (python === undefined || stack === undefined) throw new Error("no stack");
  return runCommand(python.command, [script, ...args], { env: { ...python.env, ...stack.backendEnv, ...env } });
}

describe("the Python backend example", () => {
  it("submits a goal as tenant acme's backend and prints its GoalResult", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const id = `py-${randomUUID()}`;
    const run = await submitGoal(["--tenant", EXAMPLE_TENANT, "--user", "ana", "--id", id, EXAMPLE_GOAL_TEXT]);
    await expectPrintedResult(stack, run, id);
  });

  it("is refused with the server's reason when it submits for another tenant", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    ctx.skip(stack?.server.authDir === undefined, "an open bus (NATS_URL): no permissions to refuse anything");
    const run = await submitGoal(["--tenant", "globex", "--timeout", "10", "Not ours to submit."]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(/Permissions Violation.*globex/);
  });

  it("names the problem of a corrupted seed and exits 2 without connecting", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const seedFile = stack?.backendEnv["NATS_NKEY"];
    ctx.skip(seedFile === undefined, "an open bus (NATS_URL): no seed to corrupt");
    const seed = readFileSync(seedFile ?? "", "utf8").trim();
    const corrupted = `${seed.slice(0, 20)}${seed[20] === "A" ? "B" : "A"}${seed.slice(21)}`;
    const badSeedFile = join(scratch, "corrupted.nk");
    writeFileSync(badSeedFile, `${corrupted}\n`, { mode: 0o600 });
    const run = await submitGoal(["Never sent."], { NATS_NKEY: badSeedFile, NATS_URL: "nats://127.0.0.1:1" });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/invalid nkey seed: checksum mismatch/);
  });
});
