import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { errorMessage } from "./errors.ts";
import type { Metrics } from "./metrics.ts";

/**
 * How the process is: `live` false when it cannot do its work any more (its NATS connection closed for good: a
 * restart helps), `ready` false while it starts or its connection is down (send it no work for now), and why.
 */
export type ProcessHealth = { live: boolean; ready: boolean; detail: string };

/** Options of {@link startMetricsServer}. */
export type StartMetricsServerOptions = {
  metrics: Pick<Metrics, "text" | "contentType">;
  /** The process's health for `/healthz` and `/readyz`; default: always live and ready. */
  health?: () => ProcessHealth;
  /** TCP port; `0` picks a free one (read it from {@link MetricsServer.port}). */
  port: number;
  /** Interface to listen on. Default `127.0.0.1`; `0.0.0.0` in a container, so Prometheus can reach it. */
  host?: string;
};

/** A running metrics endpoint. */
export type MetricsServer = {
  /** The port it is bound to (the chosen one when `port` was 0). */
  readonly port: number;
  readonly host: string;
  /** Stops listening and drops idle keep-alive connections. */
  close(): Promise<void>;
};

/**
 * Serves `GET /metrics` (the Prometheus exposition), `GET /healthz` (liveness: 200 `ok`, 503 when the process cannot
 * work any more) and `GET /readyz` (readiness: 200 once started and connected, 503 with the reason otherwise) over
 * plain HTTP; any other path is 404 and any other method on these paths 405. Resolves once it listens; rejects if it cannot (port in use).
 */
export async function startMetricsServer(opts: StartMetricsServerOptions): Promise<MetricsServer> {
  const host = opts.host ?? "127.0.0.1";
  const server = createServer((req, res) => void handle(opts, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr !== null ? addr.port : opts.port;
  return {
    port,
    host,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err === undefined ? resolve() : reject(err)));
        // A scraper's keep-alive connection would otherwise hold close() open until it times out.
        server.closeIdleConnections();
      }),
  };
}

const ALWAYS_HEALTHY = (): ProcessHealth => ({ live: true, ready: true, detail: "ok" });
const PATHS = new Set(["/metrics", "/healthz", "/readyz"]);

async function handle(opts: StartMetricsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://localhost").pathname;
  if (!PATHS.has(path)) return reply(res, 404, "text/plain; charset=utf-8", "not found\n");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("Allow", "GET, HEAD");
    return reply(res, 405, "text/plain; charset=utf-8", "method not allowed\n");
  }
  if (path !== "/metrics") {
    const health = (opts.health ?? ALWAYS_HEALTHY)();
    const ok = path === "/healthz" ? health.live : health.ready;
    return reply(res, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok" : health.detail);
  }
  try {
    reply(res, 200, opts.metrics.contentType, await opts.metrics.text());
  } catch (err) {
    reply(res, 500, "text/plain; charset=utf-8", `metrics unavailable: ${errorMessage(err)}\n`);
  }
}

function reply(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}
