// A service started with plain `node` (no tsx, no loader), as a user or the Docker image runs compiled JavaScript.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/** A running node process and its output lines. */
export type NodeProcess = {
  child: ChildProcess;
  lines: string[];
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  exited: Promise<number | null>;
  /** Resolves once the service logged `process.ready`; rejects if it exits first or after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
};

/**
 * Starts `node <args>` in `cwd` with exactly `env` (nothing of this process's environment, so no `NODE_OPTIONS` or
 * loader is inherited).
 */
export function startNode(name: string, args: string[], cwd: string, env: Record<string, string>): NodeProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      resolve(code);
      listeners.forEach((l) => l());
    }),
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      listeners.forEach((l) => l());
    });
  }
  const isReady = (line: string) => line.includes('"event":"process.ready"');
  return {
    child,
    lines,
    exited,
    ready: (timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (lines.some(isReady)) done(() => resolve());
          else if (child.exitCode !== null || child.signalCode !== null) {
            done(() => reject(new Error(`${name} exited before it was ready:\n${lines.join("\n")}`)));
          }
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`${name} not ready within ${timeoutMs} ms:\n${lines.join("\n")}`))),
          timeoutMs,
        );
        const done = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      }),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
