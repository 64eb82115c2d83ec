import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { ServiceEntry } from "./workspace.ts";

/** The TypeScript loader, resolved from this package so it works from any working directory. */
export const TSX_LOADER = import.meta.resolve("tsx");

/** Where a supervised service's output goes. */
export type OutputMode = { kind: "prefixed"; out: NodeJS.WritableStream } | { kind: "files"; dir: string };

/** Options of {@link superviseServices}. */
export type SuperviseOptions = {
  services: ServiceEntry[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  output: OutputMode;
  /** Told about starts, exits and restarts. */
  onEvent?: (line: string) => void;
};

/** Services running as child processes. */
export type Supervisor = {
  /** SIGTERM to every child, SIGKILL after `graceMs`; resolves when all have exited. */
  stop(graceMs?: number): Promise<void>;
  /**
   * Resolves once every service has logged `process.ready` (connected, topology in place, consuming); rejects after
   * `timeoutMs` naming the services that are not ready.
   */
  ready(timeoutMs?: number): Promise<void>;
  pids(): Record<string, number | undefined>;
};

const MAX_QUICK_RESTARTS = 5;
const QUICK_MS = 60_000;

/**
 * Starts each service as its own Node process (`node --import tsx <entry>`), restarts one that dies (with
 * backoff, giving up after repeated quick crashes), and stops them all on request.
 */
export function superviseServices(opts: SuperviseOptions): Supervisor {
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const ready = new Set<string>();
  const readyWaiters = new Set<() => void>();
  /** Notes a service's `process.ready` log line (services log JSON lines). */
  const watchReady = (svc: ServiceEntry, stream: NodeJS.ReadableStream | null) => {
    if (stream === null) return;
    createInterface({ input: stream }).on("line", (line) => {
      if (!line.includes('"process.ready"') || ready.has(svc.name)) return;
      ready.add(svc.name);
      readyWaiters.forEach((w) => w());
    });
  };
  const restarts = new Map<string, number[]>();
  const files: WriteStream[] = [];

  const launch = (svc: ServiceEntry) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, svc.entry], {
      cwd: opts.cwd,
      env: { ...opts.env, ...svc.env },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: Ctrl-C in the terminal reaches only the supervisor, which then stops each service with
      // one SIGTERM (a service treats a second signal as "exit now, without draining").
      detached: true,
    });
    children.set(svc.name, child);
    watchReady(svc, child.stdout);
    if (opts.output.kind === "files") {
      mkdirSync(opts.output.dir, { recursive: true });
      const file = createWriteStream(join(opts.output.dir, `${svc.name}.log`), { flags: "a" });
      files.push(file);
      child.stdout?.pipe(file, { end: false });
      child.stderr?.pipe(file, { end: false });
    } else {
      const out = opts.output.out;
      for (const stream of [child.stdout, child.stderr]) {
        if (stream) createInterface({ input: stream }).on("line", (line) => out.write(`[${svc.name}] ${line}\n`));
      }
    }
    opts.onEvent?.(`started ${svc.name} (pid ${child.pid})`);
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      const recent = (restarts.get(svc.name) ?? []).filter((t) => now - t < QUICK_MS);
      if (recent.length >= MAX_QUICK_RESTARTS) {
        opts.onEvent?.(
          `${svc.name} exited (${signal ?? code}) ${recent.length} times within a minute; not restarting it`,
        );
        return;
      }
      recent.push(now);
      restarts.set(svc.name, recent);
      const delay = 500 * 2 ** (recent.length - 1);
      opts.onEvent?.(`${svc.name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => {
        if (!stopping) launch(svc);
      }, delay);
    });
  };
  for (const svc of opts.services) launch(svc);
  // Detached children outlive a supervisor that dies without stopping them: make sure they are told to stop.
  const killAll = () => {
    for (const child of children.values())
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", killAll);

  return {
    pids: () => Object.fromEntries([...children].map(([name, c]) => [name, c.pid])),
    ready: (timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (opts.services.every((svc) => ready.has(svc.name))) {
            cleanup();
            resolve();
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          const waiting = opts.services.filter((svc) => !ready.has(svc.name)).map((svc) => svc.name);
          reject(new Error(`not ready after ${timeoutMs} ms: ${waiting.join(", ")} (see their logs)`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          readyWaiters.delete(check);
        };
        readyWaiters.add(check);
        check();
      }),
    async stop(graceMs = 15_000) {
      stopping = true;
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
              child.once("exit", () => {
                clearTimeout(timer);
                resolve();
              });
              child.kill("SIGTERM");
            }),
        ),
      );
      for (const f of files) f.end();
    },
  };
}
