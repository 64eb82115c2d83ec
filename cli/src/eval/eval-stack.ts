// The stacks `eval run` starts itself: a private nats-server and every service, as `switchyard demo` does — and,
// for captured cases, one whose agents answer from the cases' recordings instead of their models.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RecordedRun } from "@switchyard/contracts";
import { startStack, type Stack } from "../stack.ts";
import { WORKSPACE_ROOT } from "../workspace.ts";

/** The entry that registers the recordings as a script and then starts the agent's own main. */
const REPLAY_AGENT_MAIN = fileURLToPath(import.meta.resolve("@switchyard/evals/replay-agent-main"));

/** Starts a private stack; with `recordings`, its agents replay them (`SY_MODEL=scripted:eval-replay`). */
export async function startEvalStack(opts: {
  recordings?: readonly RecordedRun[];
  insecure: boolean;
  log: (line: string) => void;
}): Promise<Stack> {
  const logDir = join(WORKSPACE_ROOT, ".switchyard", "logs", "eval");
  if (opts.recordings === undefined) {
    return startStack({
      nats: { kind: "private" },
      output: { kind: "files", dir: logDir },
      log: opts.log,
      insecure: opts.insecure,
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "switchyard-eval-"));
  const file = join(dir, "recordings.json");
  writeFileSync(file, JSON.stringify(opts.recordings));
  try {
    const stack = await startStack({
      nats: { kind: "private" },
      output: { kind: "files", dir: join(logDir, "replay") },
      log: opts.log,
      insecure: opts.insecure,
      services: (services) =>
        services.map((svc) =>
          svc.name.startsWith("agent-")
            ? {
                ...svc,
                entry: REPLAY_AGENT_MAIN,
                env: { ...svc.env, SY_EVAL_AGENT_ENTRY: svc.entry, SY_EVAL_RECORDINGS: file },
              }
            : svc,
        ),
    });
    return {
      ...stack,
      async stop() {
        await stack.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
