// The Go backend example (examples/go: nats.go and nkeys from Debian's packages, GOPATH mode, offline) against a real
// stack: it authenticates with backend-acme's nkey seed, submits a goal and prints the GoalResult the coordinator
// published. Without that toolchain the tests skip outside CI, saying so; in CI they fail (toolchains.ts).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../fixtures/processes.ts";
import { EXAMPLE_TENANT, startExampleStack, type ExampleStack } from "./example-stack.ts";
import { EXAMPLE_GOAL_TEXT, expectPrintedResult } from "./example-result.ts";
import { runCommand } from "./run-command.ts";
import { findGo, toolchainOrSkip } from "./toolchains.ts";

const workDir = mkdtempSync(join(tmpdir(), "sy-go-example-"));
const { toolchain: go, skip } = toolchainOrSkip(findGo(workDir));
const binary = join(workDir, "submit-goal");
let stack: ExampleStack | undefined;

beforeAll(async () => {
  if (go === undefined) return;
  // Built once, as a user would (`go build`); compiling nats.go takes a while on a busy machine.
  const build = await runCommand(go.command, ["build", "-o", binary, "."], {
    cwd: join(ROOT, "examples/go"),
    env: go.env,
    timeoutMs: 240_000,
  });
  if (build.code !== 0) throw new Error(`go build failed (${build.code}):\n${build.stderr}`);
  stack = await startExampleStack();
}, 300_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function submitGoal(args: string[], env: Record<string, string> = {}) {
  if (stack === undefined) throw new Error("no stack");
  return runCommand(binary, args, { env: { ...stack.backendEnv, ...env } });
}

describe("the Go backend example", () => {
  it("submits a goal as tenant acme's backend and prints its GoalResult", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const id = `go-${randomUUID()}`;
    const run = await submitGoal(["-tenant", EXAMPLE_TENANT, "-user", "ana", "-id", id, EXAMPLE_GOAL_TEXT]);
    await expectPrintedResult(stack, run, id);
  });

  it("is refused with the server's reason when it submits for another tenant", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    ctx.skip(stack?.server.authDir === undefined, "an open bus (NATS_URL): no permissions to refuse anything");
    const run = await submitGoal(["-tenant", "globex", "-timeout", "10s", "Not ours to submit."]);
    expect(run.code, run.stdout).toBe(1);
    expect(run.stderr).toMatch(/permissions violation.*globex/i);
  });

  it("exits 2 naming the problem when it is run without a goal text", async (ctx) => {
    ctx.skip(skip !== undefined, skip);
    const run = await submitGoal([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/expected exactly one goal text/);
  });
});
