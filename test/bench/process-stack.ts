// The bench's process stack: a coordinator and agent replicas as separate Node processes, as they are deployed, on a
// prefix of their own of the bench's nats-server, plus the bench's client connection that submits goals.
//   coordinator: node --import tsx coordinator/src/main.ts           (templates from SY_TEMPLATES_FILE)
//   agent:       node --import tsx test/bench/bench-agent-main.ts <echo|sleeper>   (× replicas)
// Every child also preloads child-guard.ts, which stops it when the bench goes away without stopping it. On top of
// that, `stop()` sends SIGTERM (SIGKILL after a grace period), and an `exit` hook SIGKILLs any child still running
// when the bench process exits by any path, so no child outlives the bench.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { pathToFileURL } from "node:url";
import type { WireNames } from "@switchyard/contracts";
import type { TemplateCatalog } from "@switchyard/coordinator";
import { connectBus, ensureTopology, loadConfig, type Bus, type NatsServerHandle } from "@switchyard/infra";
import type { BenchAgentName } from "./bench-agents.ts";
import { benchPrefix, bounded, dropPrefix, goalRunner, type BenchStack } from "./dag-makespan.ts";

const ROOT = resolve(import.meta.dirname, "..", "..");
const TSX_LOADER = import.meta.resolve("tsx");
const CHILD_GUARD = pathToFileURL(resolve(import.meta.dirname, "child-guard.ts")).href;
const COORDINATOR_ENTRY = resolve(ROOT, "coordinator/src/main.ts");
const BENCH_AGENT_ENTRY = resolve(import.meta.dirname, "bench-agent-main.ts");

/** How long a child may take to come up (Node + tsx + connect, several at once on a small machine). */
const START_TIMEOUT_MS = 60_000;
/** After SIGTERM, how long a child may take for its orderly shutdown before it gets SIGKILL. */
const STOP_GRACE_MS = 10_000;
/** Stderr lines kept per child (the last ones), to show when it fails or complains. */
const STDERR_LINES = 40;

// Every child of every stack that has not exited yet. `exit` handlers run synchronously on any exit (including
// `process.exit` from the watchdog's hard exit), and `kill` is synchronous: nothing is left running.
const live = new Set<ChildProcess>();
process.on("exit", () => killChildrenNow());

/** SIGKILLs every bench child still running, at once (for a hard exit; `stop()` is the orderly way). */
export function killChildrenNow(): void {
  for (const child of live) child.kill("SIGKILL");
}

type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };

/** One service process. */
type Child = {
  name: string;
  pid: number;
  exited: Promise<ExitStatus>;
  /** Whether it has exited. */
  done(): boolean;
  /** Its last stderr lines. */
  stderr: string[];
  /** Resolves at the first stdout line equal to `line`; rejects if the child exits first, on timeout or on abort. */
  waitForLine(line: string, timeoutMs: number, signal: AbortSignal): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited (or gives up, reported, 5 s after SIGKILL). */
  stop(graceMs: number): Promise<void>;
};

function describeExit(name: string, status: ExitStatus, stderr: string[]): string {
  const how = status.signal !== null ? `signal ${status.signal}` : `code ${String(status.code)}`;
  return `${name} exited (${how})${stderr.length > 0 ? `; stderr:\n  ${stderr.join("\n  ")}` : ""}`;
}

function startChild(name: string, entry: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ["--import", TSX_LOADER, "--import", CHILD_GUARD, entry, ...args], {
    cwd: ROOT,
    env,
    // stdin: a pipe the child guard watches (end-of-file = the bench is gone); stdout: readiness; stderr: kept.
    stdio: ["pipe", "pipe", "pipe"],
  });
  live.add(proc);
  const stderr: string[] = [];
  const stdoutLines: string[] = [];
  const listeners = new Set<() => void>();
  const exited = new Promise<ExitStatus>((res) => {
    const finish = (status: ExitStatus) => {
      live.delete(proc);
      res(status);
      listeners.forEach((l) => l());
    };
    proc.once("exit", (code, signal) => finish({ code, signal }));
    // Spawning itself failed (no `exit` follows).
    proc.once("error", (err) => {
      stderr.push(`spawn failed: ${err.message}`);
      if (proc.pid === undefined) finish({ code: null, signal: null });
    });
  });
  // Writes to a gone child's stdin must not crash the bench (nothing is written, but be safe).
  proc.stdin?.on("error", () => undefined);
  if (proc.stdout !== null) {
    createInterface({ input: proc.stdout }).on("line", (line) => {
      stdoutLines.push(line);
      listeners.forEach((l) => l());
    });
  }
  if (proc.stderr !== null) {
    createInterface({ input: proc.stderr }).on("line", (line) => {
      stderr.push(line);
      if (stderr.length > STDERR_LINES) stderr.shift();
    });
  }
  const done = () => proc.exitCode !== null || proc.signalCode !== null || !live.has(proc);

  return {
    name,
    pid: proc.pid ?? -1,
    exited,
    done,
    stderr,
    waitForLine(line, timeoutMs, signal) {
      return new Promise<void>((res, rej) => {
        const timer = setTimeout(() => {
          cleanup();
          rej(new Error(`${name} did not print "${line}" within ${timeoutMs} ms; stderr:\n  ${stderr.join("\n  ")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          signal.removeEventListener("abort", onAbort);
        };
        const check = () => {
          if (stdoutLines.includes(line)) {
            cleanup();
            res();
          } else if (done()) {
            cleanup();
            void exited.then((s) => rej(new Error(`${describeExit(name, s, stderr)}\nbefore it printed "${line}"`)));
          }
        };
        const onAbort = () => {
          cleanup();
          rej(new Error(`aborted while waiting for ${name}`));
        };
        signal.addEventListener("abort", onAbort, { once: true });
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs) {
      if (done()) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      const gaveUp = await bounded(`stopping ${name}`, exited, graceMs + 5_000);
      clearTimeout(timer);
      if (gaveUp === undefined) proc.kill("SIGKILL");
    },
  };
}

/** A coordinator process and agent replica processes under a fresh prefix, plus the client that submits goals. */
export type ProcessStack = {
  names: WireNames;
  /** The client's own connection (goals are published and results received here). */
  client: Bus;
  /** The coordinator process (e.g. to read its memory). */
  coordinatorPid: number;
  /** The agent replica processes running. */
  replicas(): number;
  /** Subtasks one replica runs at once: the services' `SY_MAX_IN_FLIGHT`, left at its default. */
  agentMaxInFlight: number;
  /** Starts `count` more replicas of the stack's agent and waits until each takes subtasks. */
  addReplicas(count: number): Promise<void>;
  /** Publishes a goal for `plan` and waits (at most `timeoutMs`) for its GoalResult; fails as soon as a child dies. */
  runGoal: BenchStack["runGoal"];
  /** `promise`, or a rejection naming the child as soon as a child exits before `stop()` (a crash, an OOM kill). */
  watch<T>(promise: Promise<T>): Promise<T>;
  /** Stops every child (SIGTERM, bounded, then SIGKILL), deletes the prefix's streams, closes the client. */
  stop(): Promise<void>;
};

/** Options of {@link startProcessStack}. */
export type ProcessStackOptions = {
  /** The coordinator's templates (written to a temporary `SY_TEMPLATES_FILE`); the first is its default plan. */
  templates: TemplateCatalog;
  /** The agent the replicas serve; needed when `replicas` > 0 or for `addReplicas`. */
  agent?: BenchAgentName;
  /** Agent replica processes to start with (0: none, e.g. so that goals wait). */
  replicas: number;
  signal: AbortSignal;
};

/** Waits until the coordinator's goal, result and timer consumers all have a pull request waiting. */
async function coordinatorReady(client: Bus, coordinator: Child, signal: AbortSignal): Promise<void> {
  const { streams, consumers } = client.names;
  const pulls: [string, string][] = [
    [streams.goals, consumers.coordinatorGoals],
    [streams.results, consumers.coordinatorResults],
    [streams.goals, consumers.coordinatorTimers],
  ];
  const until = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (signal.aborted) throw new Error("aborted while waiting for the coordinator");
    if (coordinator.done())
      throw new Error(describeExit(coordinator.name, await coordinator.exited, coordinator.stderr));
    const waiting = await Promise.all(
      pulls.map(([stream, durable]) =>
        client.jsm.consumers.info(stream, durable).then(
          (info) => info.num_waiting > 0,
          () => false, // not created yet
        ),
      ),
    );
    if (waiting.every(Boolean)) return;
    if (Date.now() > until) {
      const stderr = coordinator.stderr.join("\n  ");
      throw new Error(`the coordinator did not start consuming within ${START_TIMEOUT_MS} ms; stderr:\n  ${stderr}`);
    }
    await sleep(100);
  }
}

/**
 * Starts a coordinator process and `replicas` agent processes against `server` under a fresh prefix, with
 * `SY_INSECURE=true` (the bench's server is an open bus) and logging off, and waits until they serve: the coordinator
 * pulls from its goal, result and timer consumers, and each replica has said it takes subtasks.
 */
export async function startProcessStack(server: NatsServerHandle, opts: ProcessStackOptions): Promise<ProcessStack> {
  const prefix = benchPrefix();
  const inherited = Object.fromEntries(
    ["PATH", "HOME", "TMPDIR"].flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k] ?? ""]])),
  );
  // Nothing else of the bench's environment: a stray SY_* or OTEL_* variable would change what is measured.
  const env: Record<string, string> = {
    ...inherited,
    SY_INSECURE: "true",
    ...server.env,
    SY_PREFIX: prefix,
    SY_LOG_LEVEL: "silent",
  };
  const dir = mkdtempSync(join(tmpdir(), "sy-bench-"));
  const templatesFile = join(dir, "templates.json");
  writeFileSync(templatesFile, JSON.stringify(opts.templates));
  const [defaultPlan] = Object.keys(opts.templates);

  const children: Child[] = [];
  const agents: Child[] = [];
  let client: Bus | undefined;
  let stopping: Promise<void> | undefined;
  // Rejects when a child exits on its own: whatever waits on the stack stops waiting for an answer that cannot come.
  let childDied: (err: Error) => void = () => undefined;
  const died = new Promise<never>((_, rej) => (childDied = rej));
  died.catch(() => undefined);
  const watch = <T>(promise: Promise<T>) => Promise.race([promise, died]);
  const track = (child: Child) => {
    children.push(child);
    void child.exited.then((status) => {
      if (stopping === undefined) childDied(new Error(describeExit(child.name, status, child.stderr)));
    });
    return child;
  };

  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(children.map((c) => c.stop(STOP_GRACE_MS)));
      for (const c of children) {
        // A child that complained, or ended other than by our SIGTERM, is worth a look.
        const status = await c.exited;
        const clean = status.code === 0 || status.signal === "SIGTERM";
        if (c.stderr.length > 0 || !clean) console.error(`bench: ${describeExit(c.name, status, c.stderr)}`);
      }
      if (client !== undefined) {
        // Leave nothing behind, on a server that outlives the bench or for the benchmarks after this one.
        await bounded("deleting streams", dropPrefix(client), 15_000);
        await bounded("closing a connection", client.close(), 5_000);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const addReplicas = async (count: number) => {
    if (count <= 0) return;
    const agent = opts.agent;
    if (agent === undefined) throw new Error("this stack has no agent to run replicas of");
    const started = Array.from({ length: count }, () => {
      const name = `bench-${agent}-${agents.length + 1}`;
      const child = track(startChild(name, BENCH_AGENT_ENTRY, [agent], { ...env, SY_INSTANCE: name }));
      agents.push(child);
      return child;
    });
    await Promise.all(started.map((c) => c.waitForLine(`ready ${agent}`, START_TIMEOUT_MS, opts.signal)));
  };

  try {
    client = await connectBus({ config: loadConfig({ ...env, SY_INSTANCE: "bench-client" }), name: "bench-client" });
    // Made here too (the coordinator makes them as well), so the agents need not wait for the coordinator to bind.
    await ensureTopology(client);
    const coordinator = track(
      startChild("bench-coordinator", COORDINATOR_ENTRY, [], {
        ...env,
        SY_INSTANCE: "bench-coordinator",
        SY_TEMPLATES_FILE: templatesFile,
        ...(defaultPlan === undefined ? {} : { SY_DEFAULT_PLAN: defaultPlan }),
      }),
    );
    await Promise.all([coordinatorReady(client, coordinator, opts.signal), addReplicas(opts.replicas)]);
    const runGoal = goalRunner(client, opts.signal);
    return {
      names: client.names,
      client,
      coordinatorPid: coordinator.pid,
      replicas: () => agents.filter((a) => !a.done()).length,
      agentMaxInFlight: loadConfig(env).maxInFlight,
      addReplicas,
      runGoal: (plan, timeoutMs) => watch(runGoal(plan, timeoutMs)),
      watch,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The resident set size of process `pid` in bytes, from `/proc/<pid>/status` (Linux); undefined elsewhere. */
export function rssBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}
