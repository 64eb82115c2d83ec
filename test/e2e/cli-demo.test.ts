// `switchyard demo --plan support` ends waiting for a person: it keeps the stack running, says exactly what to run,
// follows the goal to its end once someone approves, and stops on Ctrl-C.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
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

/** Lines of a stream as they come, and a wait for the first one that matches. */
function lines(stream: NodeJS.ReadableStream) {
  const seen: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: stream }).on("line", (line) => {
    seen.push(line);
    waiters.forEach((w) => w());
  });
  const waitFor = (pattern: RegExp, timeoutMs = 90_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        for (const line of seen) {
          const m = pattern.exec(line);
          if (m !== null) {
            cleanup();
            return resolve(m);
          }
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms:\n${seen.join("\n")}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { seen, waitFor };
}

it("waits for the approval with the stack up, prints the commands, goes on when approved, stops on Ctrl-C", async () => {
  const env = { ...testEnv(server, uniquePrefix()), SY_USER: "reviewer-rita" };
  const demo = spawn(
    process.execPath,
    ["--import", TSX, ENTRIES.cli, "demo", "--plan", "support", "--nats", server.url],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<number | null>((r) => demo.once("exit", (code) => r(code)));
  try {
    const out = lines(demo.stdout);
    const err = lines(demo.stderr);
    const approve = await err.waitFor(/^ {2}pnpm switchyard approvals approve ([0-9a-f]{32}) --nats (\S+)$/);
    expect(approve[2]).toBe(server.url);
    const [, proposalId] = approve;
    await out.waitFor(/^goal \S+: needs_approval in /);
    expect(err.seen).toContain(`  pnpm switchyard approvals list --nats ${server.url}`);
    expect(err.seen).toContain(`  pnpm switchyard approvals reject ${proposalId} --reason "…" --nats ${server.url}`);
    expect(err.seen.join("\n")).toMatch(/the stack keeps running until then \(Ctrl-C stops it\)/);

    // What the demo said to run works against the stack it keeps up.
    await runCli(env, "approvals", "approve", proposalId ?? "", "--nats", server.url);
    await out.waitFor(/^goal \S+: ok in /, 30_000);
    await err.waitFor(/ended ok; see how: pnpm switchyard trace \S+ --nats /, 10_000);
    expect(demo.exitCode).toBeNull(); // still up until Ctrl-C

    demo.kill("SIGINT");
    expect(await exited).toBe(0);
  } finally {
    if (demo.exitCode === null) demo.kill("SIGTERM");
    await exited;
  }
}, 150_000);
