import { addScrapeGauge, type Bus, type Logger, type Metrics } from "@switchyard/infra";

/** Options of {@link addBacklogGauges}. */
export type BacklogGaugesOptions = {
  /** Whose JetStream to ask, under which names. */
  bus: Pick<Bus, "jsm" | "names">;
  logger?: Logger;
  /** How long a scrape waits for NATS; default `DEFAULT_SCRAPE_READ_TIMEOUT_MS` of infra. */
  timeoutMs?: number;
};

/**
 * Adds to the coordinator's metrics what only JetStream knows, read when Prometheus scrapes:
 * - `sy_agent_backlog{agent}`: subtasks waiting on each agent's consumer or being handled (`num_pending` +
 *   `num_ack_pending` of `agent-<name>` on the tasks stream), from one consumer list per scrape; it grows while an
 *   agent is down or too slow, whether or not any replica of it runs;
 * - `sy_timers_pending`: the coordinator's durable timers not fired yet (deadlines, retries, review expiries).
 *
 * Any coordinator replica gives the same values (they are the stream's), so dashboards take `max` over replicas. A read
 * that fails keeps the last values and counts `sy_metrics_collect_errors_total{gauge}`.
 */
export function addBacklogGauges(metrics: Pick<Metrics, "registry">, opts: BacklogGaugesOptions): void {
  const { jsm, names } = opts.bus;
  const agentPrefix = names.consumers.agent("");
  addScrapeGauge(metrics.registry, {
    name: "sy_agent_backlog",
    help: "Subtasks pending or unacknowledged on each agent's consumer (read at scrape time).",
    labelNames: ["agent"],
    logger: opts.logger,
    timeoutMs: opts.timeoutMs,
    async read() {
      const samples = [];
      for await (const info of jsm.consumers.list(names.streams.tasks)) {
        if (!info.name.startsWith(agentPrefix)) continue;
        const agent = info.name.slice(agentPrefix.length);
        samples.push({ labels: { agent }, value: info.num_pending + info.num_ack_pending });
      }
      return samples;
    },
  });
  addScrapeGauge(metrics.registry, {
    name: "sy_timers_pending",
    help: "The coordinator's durable timers not fired yet (read at scrape time).",
    labelNames: [],
    logger: opts.logger,
    timeoutMs: opts.timeoutMs,
    async read() {
      const info = await jsm.consumers.info(names.streams.goals, names.consumers.coordinatorTimers);
      return [{ labels: {}, value: info.num_pending + info.num_ack_pending }];
    },
  });
}
