import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { InfraError } from "./errors.ts";

/** A nats-server with JetStream that this process can reach, stop and (for local ones) kill and restart. */
export type NatsServerHandle = {
  /** `nats://127.0.0.1:<port>` (or the `NATS_URL` it was given). */
  readonly url: string;
  /** How the server was obtained. */
  readonly kind: "external" | "binary" | "container";
  /** Environment to hand to child processes so they reach this server (`NATS_URL`, credentials). */
  readonly env: Record<string, string>;
  /** The JetStream store directory (binary kind only). */
  readonly storeDir?: string;
  /** Whether {@link kill} and {@link restart} are possible. */
  readonly controllable: boolean;
  /** Whether the server runs the given `configFile` (a local binary); `NATS_URL` and containers do not. */
  readonly configured: boolean;
  /** The process id of a local binary (to send it `SIGHUP` to reload its configuration). */
  readonly pid?: number;
  /** Graceful stop (SIGTERM, then SIGKILL after 5 s); removes a temporary store dir. */
  stop(): Promise<void>;
  /** `kill -9` without cleanup, to test crash recovery. */
  kill(): Promise<void>;
  /** Stops (gracefully, or with SIGKILL when `hard`) and starts again on the same port with the same store dir. */
  restart(opts?: { hard?: boolean }): Promise<void>;
};

/** Options of {@link startNatsServer}. */
export type StartNatsServerOptions = {
  /** Use `NATS_URL` from this environment when it is set (default `process.env`; pass `{}` to ignore it). */
  env?: NodeJS.ProcessEnv;
  /** Port for a local binary; default: a free port. */
  port?: number;
  /** Store dir for a local binary; default: a fresh temporary dir, removed on stop. */
  storeDir?: string;
  /** Where the binary's log goes; default: discarded. */
  logFile?: string;
  /** How long to wait for the server to accept connections; default 15 s. */
  readyTimeoutMs?: number;
  /**
   * A configuration file for a local binary (e.g. the `nats-auth.conf` of `switchyard auth init`, whose
   * `authorization` block turns permissions on). Port, store dir and JetStream still come from the other options.
   * Ignored for `NATS_URL` and containers.
   */
  configFile?: string;
};

const BINARY_DIRS = ["/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin"];
const INSTALL_HINT =
  "Install one: `apt-get install nats-server` (Debian/Ubuntu), `brew install nats-server` (macOS), or download it from " +
  "the nats-server releases; or start Docker and install @testcontainers/nats so a container runs one; or set NATS_URL to a " +
  "server with JetStream (-js).";

/** Finds the `nats-server` binary: `NATS_SERVER_BIN`, then PATH, then the usual sbin dirs. */
export function findNatsServerBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env["NATS_SERVER_BIN"]) return env["NATS_SERVER_BIN"];
  const dirs = [...(env["PATH"] ?? "").split(delimiter).filter(Boolean), ...BINARY_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, "nats-server");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** A TCP port that is free right now on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr !== null ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export async function isReachable(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode} before it was ready`);
    if (await isReachable("127.0.0.1", port, 250)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nats-server did not accept connections on port ${port} within ${timeoutMs} ms`);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function startBinary(binary: string, opts: StartNatsServerOptions): Promise<NatsServerHandle> {
  const port = opts.port ?? (await freePort());
  const ownStore = opts.storeDir === undefined;
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), "sy-nats-"));
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  let child: ChildProcess;

  const launch = async () => {
    const out = opts.logFile === undefined ? "ignore" : openSync(opts.logFile, "a");
    const config = opts.configFile === undefined ? [] : ["-c", opts.configFile];
    child = spawn(binary, [...config, "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], {
      stdio: ["ignore", out, out],
    });
    if (typeof out === "number") closeSync(out);
    try {
      await waitForPort(port, child, readyTimeoutMs);
    } catch (err) {
      child.kill("SIGKILL");
      throw new InfraError(
        "SY_ERR_NATS_SERVER_UNAVAILABLE",
        "system",
        `could not start ${binary}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    c.kill(signal);
    const timer = setTimeout(() => c.kill("SIGKILL"), 5_000);
    await exited(c);
    clearTimeout(timer);
  };
  await launch();
  const url = `nats://127.0.0.1:${port}`;
  return {
    url,
    kind: "binary",
    env: { NATS_URL: url },
    storeDir,
    controllable: true,
    configured: opts.configFile !== undefined,
    get pid() {
      return child.pid;
    },
    async stop() {
      await halt("SIGTERM");
      if (ownStore) rmSync(storeDir, { recursive: true, force: true });
    },
    kill: () => halt("SIGKILL"),
    async restart(restartOpts) {
      await halt(restartOpts?.hard === true ? "SIGKILL" : "SIGTERM");
      await launch();
    },
  };
}

/** Whether a Docker engine answers (testcontainers can start a nats-server in it). */
export function dockerAvailable(): boolean {
  if (process.env["DOCKER_HOST"] === undefined && !existsSync("/var/run/docker.sock")) return false;
  return spawnSync("docker", ["info"], { stdio: "ignore", timeout: 5_000 }).status === 0;
}

async function startContainer(): Promise<NatsServerHandle> {
  // Loaded only here: testcontainers is heavy, most runs never need it, and it is an optional peer dependency.
  const { NatsContainer } = await import("@testcontainers/nats").catch((err: unknown) => {
    if ((err as { code?: unknown }).code !== "ERR_MODULE_NOT_FOUND") throw err;
    throw new InfraError(
      "SY_ERR_NATS_SERVER_UNAVAILABLE",
      "caller",
      "no nats-server binary found, and Docker runs but @testcontainers/nats, which starts one in a container, is " +
        "not installed (an optional peer dependency of @switchyard/infra): `npm install @testcontainers/nats`, or " +
        "install nats-server, or set NATS_URL to a server with JetStream (-js).",
      { cause: err },
    );
  });
  const container = await new NatsContainer("nats:2.10-alpine").withJetStream().start();
  const describe = () => {
    const o = container.getConnectionOptions();
    const servers = Array.isArray(o.servers) ? o.servers : [o.servers ?? ""];
    const url = servers.map((s) => (s.includes("://") ? s : `nats://${s}`)).join(",");
    return { url, env: { NATS_URL: url, NATS_USER: o.user ?? "", NATS_PASSWORD: o.pass ?? "" } };
  };
  const handle = {
    ...describe(),
    kind: "container" as const,
    controllable: true,
    configured: false,
    stop: async () => {
      await container.stop();
    },
    kill: async () => {
      await container.stop({ timeout: 0 });
    },
    restart: async () => {
      // Docker may map new host ports after a restart; url and env are refreshed.
      await container.restart();
      Object.assign(handle, describe());
    },
  };
  return handle;
}

/**
 * Gets a nats-server with JetStream for tests and local runs, in this order: `NATS_URL` when set (not
 * controllable); the `nats-server` binary on a free port with a fresh store dir; Docker via testcontainers;
 * otherwise an error that says how to install one.
 */
export async function startNatsServer(opts: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  const env = opts.env ?? process.env;
  const external = env["NATS_URL"];
  if (external !== undefined && external !== "") {
    return {
      url: external,
      kind: "external",
      env: { NATS_URL: external },
      controllable: false,
      configured: false,
      stop: async () => {},
      kill: () => Promise.reject(new Error("cannot kill an external nats-server (NATS_URL is set)")),
      restart: () => Promise.reject(new Error("cannot restart an external nats-server (NATS_URL is set)")),
    };
  }
  const binary = findNatsServerBinary(env);
  if (binary !== undefined) return startBinary(binary, opts);
  if (dockerAvailable()) return startContainer();
  throw new InfraError("SY_ERR_NATS_SERVER_UNAVAILABLE", "caller", `no nats-server found. ${INSTALL_HINT}`);
}
