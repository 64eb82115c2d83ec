import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { freePorts, probeReady, readyzUrl, type Readiness } from "./readiness.ts";
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
   * Resolves once every service's `/readyz` has answered 200 (connected, topology in place, consuming); rejects after
   * `timeoutMs` naming the services that are not ready and why.
   */
  ready(timeoutMs?: number): Promise<void>;
  pids(): Record<string, number | undefined>;
};

const MAX_QUICK_RESTARTS = 5;
const QUICK_MS = 60_000;

const READY_POLL_MS = 200;

/**
 * Starts each service as its own Node process (`node --import tsx <entry>`), each serving `/metrics`, `/healthz` and
 * `/readyz` on a port of its own (`SY_METRICS_PORT`, picked here), restarts one that dies (with backoff, giving up
 * after repeated quick crashes), and stops them all on request.
 */
export function superviseServices(opts: SuperviseOptions): Supervisor {
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const restarts = new Map<string, number[]>();
  /** Services that crashed too often to be restarted: waiting for them to be ready is pointless. */
  const givenUp = new Set<string>();
  const files: WriteStream[] = [];
  // One port per service, kept across its restarts; a wildcard host is probed on loopback.
  const host = opts.env["SY_METRICS_HOST"] || "127.0.0.1";
  const ports = freePorts(opts.services.length);
  const portOf = async (svc: ServiceEntry) => (await ports)[opts.services.indexOf(svc)] ?? 0;

  const launch = async (svc: ServiceEntry) => {
    const port = await portOf(svc);
    if (stopping) return;
    const child = spawn(process.execPath, ["--import", TSX_LOADER, svc.entry], {
      cwd: opts.cwd,
      env: { ...opts.env, ...svc.env, SY_METRICS_PORT: String(port), SY_METRICS_HOST: host },
      stdio: ["ignore", "pipe", "pipe"],
      // Own process group: Ctrl-C in the terminal reaches only the supervisor, which then stops each service with
      // one SIGTERM (a service treats a second signal as "exit now, without draining").
      detached: true,
    });
    children.set(svc.name, child);
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
    opts.onEvent?.(`started ${svc.name} (pid ${child.pid}); readiness: ${readyzUrl(host, port)}`);
    child.once("exit", (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      const recent = (restarts.get(svc.name) ?? []).filter((t) => now - t < QUICK_MS);
      if (recent.length >= MAX_QUICK_RESTARTS) {
        opts.onEvent?.(
          `${svc.name} exited (${signal ?? code}) ${recent.length} times within a minute; not restarting it`,
        );
        givenUp.add(svc.name);
        return;
      }
      recent.push(now);
      restarts.set(svc.name, recent);
      const delay = 500 * 2 ** (recent.length - 1);
      opts.onEvent?.(`${svc.name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => {
        if (!stopping) void start(svc);
      }, delay);
    });
  };
  const start = (svc: ServiceEntry) =>
    launch(svc).catch((err: unknown) => opts.onEvent?.(`could not start ${svc.name}: ${String(err)}`));
  for (const svc of opts.services) void start(svc);
  // Detached children outlive a supervisor that dies without stopping them: make sure they are told to stop.
  const killAll = () => {
    for (const child of children.values())
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  };
  process.once("exit", killAll);

  return {
    pids: () => Object.fromEntries([...children].map(([name, c]) => [name, c.pid])),
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      const waiting = new Map<ServiceEntry, Readiness>(opts.services.map((svc) => [svc, { ready: false, detail: "" }]));
      while (waiting.size > 0 && !stopping) {
        await Promise.all(
          [...waiting.keys()].map(async (svc) => {
            const answer = await probeReady(readyzUrl(host, await portOf(svc)));
            if (answer.ready) waiting.delete(svc);
            else waiting.set(svc, answer);
          }),
        );
        if (waiting.size === 0) return;
        const dead = [...waiting.keys()].filter((svc) => givenUp.has(svc.name)).map((svc) => svc.name);
        if (dead.length > 0) throw new Error(`${dead.join(", ")} kept crashing and will not be ready (see their logs)`);
        if (Date.now() >= deadline) {
          const why = [...waiting].map(([svc, r]) => `${svc.name} (${r.detail})`).join(", ");
          throw new Error(`not ready after ${timeoutMs} ms: ${why} (see their logs)`);
        }
        await new Promise((r) => setTimeout(r, READY_POLL_MS));
      }
    },
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
