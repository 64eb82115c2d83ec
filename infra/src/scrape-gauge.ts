import { Counter, Gauge, type Registry } from "prom-client";
import { errorMessage } from "./errors.ts";
import type { Logger } from "./logger.ts";

/** One value of a gauge read at scrape time. */
export type ScrapeSample<L extends string> = { labels: Record<L, string>; value: number };

/** Options of {@link addScrapeGauge}. */
export type AddScrapeGaugeOptions<L extends string> = {
  /** The family's name, e.g. `sy_agent_backlog`. */
  name: string;
  help: string;
  labelNames: readonly L[];
  /**
   * Reads the current values, once per scrape. The samples it returns replace the previous ones (a label set it no
   * longer returns disappears); when it throws or takes longer than `timeoutMs`, the previous ones stay.
   */
  read(): Promise<ScrapeSample<L>[]>;
  /** How long a read may take before the scrape goes on without it; default {@link DEFAULT_SCRAPE_READ_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Told when reads start failing (once, not on every scrape) and when they work again. */
  logger?: Logger;
};

/** How long a scrape waits for a gauge's read: 3 s, well within Prometheus's default scrape timeout of 10 s. */
export const DEFAULT_SCRAPE_READ_TIMEOUT_MS = 3_000;
/** `sy_metrics_collect_errors_total{gauge}`: reads of scrape-time gauges that failed or timed out. */
export const COLLECT_ERRORS_METRIC = "sy_metrics_collect_errors_total";

/** The reads in progress per registry, which the error counter waits for. */
const readsInProgress = new WeakMap<Registry, Set<Promise<unknown>>>();

/** The registry's error counter, registered with its first scrape-time gauge. */
function collectErrors(registry: Registry): { counter: Counter<"gauge">; reads: Set<Promise<unknown>> } {
  const existing = registry.getSingleMetric(COLLECT_ERRORS_METRIC) as Counter<"gauge"> | undefined;
  const known = readsInProgress.get(registry);
  if (existing !== undefined && known !== undefined) return { counter: existing, reads: known };
  const reads = new Set<Promise<unknown>>();
  readsInProgress.set(registry, reads);
  const counter = new Counter({
    name: COLLECT_ERRORS_METRIC,
    help: "Reads of metrics computed at scrape time that failed or timed out (the gauge kept its last values).",
    labelNames: ["gauge"],
    registers: [registry],
    // prom-client collects every family of a scrape at once: wait until the gauges' reads have started (they start
    // in the same turn) and ended, so a scrape counts the errors of its own reads.
    async collect() {
      await new Promise((resolve) => setImmediate(resolve));
      await Promise.allSettled([...reads]);
    },
  });
  return { counter, reads };
}

/**
 * Adds a gauge to `registry` whose values are read when Prometheus scrapes (a backlog, a queue length), not kept up
 * to date by the process. A scrape never fails because of it: a read that throws or times out leaves the gauge's last
 * values and counts one `sy_metrics_collect_errors_total{gauge}`.
 */
export function addScrapeGauge<L extends string>(registry: Registry, opts: AddScrapeGaugeOptions<L>): void {
  const errors = collectErrors(registry);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_SCRAPE_READ_TIMEOUT_MS;
  errors.counter.inc({ gauge: opts.name }, 0);
  let failing = false;

  async function readBounded(): Promise<ScrapeSample<L>[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`read took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([opts.read(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  new Gauge<L>({
    name: opts.name,
    help: opts.help,
    labelNames: opts.labelNames,
    registers: [registry],
    async collect() {
      const read = readBounded();
      errors.reads.add(read);
      try {
        const samples = await read;
        this.reset();
        for (const s of samples) this.set(s.labels as Partial<Record<L, string>>, s.value);
        if (failing) opts.logger?.info({ event: "metrics.collect_recovered", gauge: opts.name }, "gauge read again");
        failing = false;
      } catch (err) {
        errors.counter.inc({ gauge: opts.name });
        if (!failing) {
          opts.logger?.warn(
            { event: "metrics.collect_failed", gauge: opts.name, err: errorMessage(err) },
            `cannot read ${opts.name}; keeping its last values`,
          );
        }
        failing = true;
      } finally {
        errors.reads.delete(read);
      }
    },
  });
}
