import { loadConfig, type Config } from "./config.ts";
import { connectBus, type Bus } from "./connect.ts";
import { consumerStates } from "./consumer-health.ts";
import { errorMessage } from "./errors.ts";
import { createLogger, type Logger } from "./logger.ts";
import { startMetricsServer, type MetricsServer, type ProcessHealth } from "./metrics-server.ts";
import { createMetrics, type MetricsOf, type MetricsRole } from "./metrics.ts";
import { processHealth } from "./process-health.ts";
import { initTelemetry, type Telemetry } from "./telemetry/tracing.ts";
import { bindBuckets, ensureTopology, type Buckets } from "./topology.ts";

/** What a service gets when it starts: its metrics have the families of its role. */
export type ServiceStartContext<R extends MetricsRole = MetricsRole> = {
  bus: Bus;
  buckets: Buckets;
  config: Config;
  logger: Logger;
  metrics: MetricsOf<R>;
};

/** A started service: `stop` finishes or releases in-flight work. */
export type StartedService = { stop(): Promise<void> };

/** Options of {@link runServiceProcess}. */
export type RunServiceProcessOptions<R extends MetricsRole = MetricsRole> = {
  /** Service name for logs, the NATS connection name and the `service` label of its metrics. */
  service: string;
  /** Which metric families it exports (`agent`, `coordinator`, `executor`, or `base` for any other process). */
  role: R;
  start(ctx: ServiceStartContext<R>): Promise<StartedService>;
  env?: NodeJS.ProcessEnv;
  /**
   * `own`: create or update the streams and buckets (the coordinator's job, and its permission); `bind` (default):
   * use them as they are, waiting for the streams the service consumes from.
   */
  topology?: "own" | "bind";
};

const FORCED_EXIT_MS = 20_000;

/**
 * The `main` of every Switchyard process: reads config, installs tracing (OTLP export when configured), serves
 * Prometheus metrics when `SY_METRICS_PORT` is set, connects, sets up topology, starts the service, and on
 * SIGTERM/SIGINT stops it, drains the connection and flushes spans before exiting 0. A second signal exits at once.
 * `/readyz` is 503 while it starts, reconnects or stops, and while one of its consumers fails (see `processHealth`).
 */
export async function runServiceProcess<R extends MetricsRole>(opts: RunServiceProcessOptions<R>): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(opts.env);
  } catch (err) {
    process.stderr.write(`${opts.service}: ${errorMessage(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ service: opts.service, instance: config.instance, level: config.logLevel });
  let telemetry: Telemetry;
  try {
    telemetry = initTelemetry({
      service: opts.service,
      instance: config.instance,
      namespace: config.prefix,
      env: opts.env,
    });
  } catch (err) {
    process.stderr.write(`${opts.service}: ${errorMessage(err)}\n`);
    process.exit(2);
  }
  const metrics = createMetrics({ service: opts.service, role: opts.role });
  let metricsServer: MetricsServer | undefined;
  process.on("unhandledRejection", (err) =>
    logger.error({ event: "process.unhandled_rejection", err: errorMessage(err) }, "unhandled rejection"),
  );

  let bus: Bus | undefined;
  let started: StartedService | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      logger.warn({ event: "process.forced_exit", signal }, "second signal: exiting now");
      process.exit(1);
    }
    stopping = true;
    logger.info({ event: "process.stopping", signal }, `${signal}: stopping`);
    setTimeout(() => {
      logger.error({ event: "process.forced_exit" }, "shutdown took too long");
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
    try {
      await started?.stop();
      await bus?.close();
      await metricsServer?.close();
      await telemetry.shutdown();
      logger.info({ event: "process.stopped" }, "stopped");
      process.exit(0);
    } catch (err) {
      logger.error({ event: "process.stop_failed", err: errorMessage(err) }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  try {
    bus = await connectBus({ config, name: opts.service, logger, connectTimeoutMs: 30_000 });
    const conn = bus.nc;
    let connected = true;
    void (async () => {
      for await (const s of conn.status()) {
        if (s.type === "disconnect") connected = false;
        else if (s.type === "reconnect") connected = true;
      }
    })();
    const health = (): ProcessHealth =>
      processHealth({
        closed: conn.isClosed(),
        connected,
        started: started !== undefined,
        stopping,
        consumers: consumerStates({ nc: conn }),
      });
    const buckets = opts.topology === "own" ? await ensureTopology(bus) : await bindBuckets(bus);
    if (config.metricsPort !== undefined) {
      metricsServer = await startMetricsServer({
        metrics,
        port: config.metricsPort,
        host: config.metricsHost,
        health,
      });
      logger.info(
        { event: "metrics.listening", port: metricsServer.port },
        `metrics on :${metricsServer.port}/metrics`,
      );
    }
    started = await opts.start({ bus, buckets, config, logger, metrics });
    logger.info({ event: "process.ready", nats: config.natsUrl, prefix: config.prefix }, `${opts.service} ready`);
  } catch (err) {
    logger.fatal({ event: "process.start_failed", err: errorMessage(err) }, `${opts.service} failed to start`);
    await bus?.close();
    process.exit(1);
  }
}
