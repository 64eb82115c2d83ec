import { describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.ts";
import { addScrapeGauge, COLLECT_ERRORS_METRIC, type ScrapeSample } from "./scrape-gauge.ts";

/** The sample lines of one family in a text exposition, e.g. `sy_x{agent="a"} 3`. */
const lines = (text: string, name: string) =>
  text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
const errors = (text: string, gauge: string) =>
  Number(
    lines(text, COLLECT_ERRORS_METRIC)
      .find((l) => l.includes(`gauge="${gauge}"`))
      ?.split(" ")[1],
  );

describe("addScrapeGauge", () => {
  it("reads its values at each scrape; a label set no longer read disappears", async () => {
    const metrics = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    let current: ScrapeSample<"agent">[] = [
      { labels: { agent: "a" }, value: 3 },
      { labels: { agent: "b" }, value: 0 },
    ];
    let reads = 0;
    addScrapeGauge(metrics.registry, {
      name: "sy_test_backlog",
      help: "test",
      labelNames: ["agent"],
      read: async () => {
        reads++;
        return current;
      },
    });
    expect(lines(await metrics.text(), "sy_test_backlog")).toEqual([
      'sy_test_backlog{agent="a"} 3',
      'sy_test_backlog{agent="b"} 0',
    ]);
    current = [{ labels: { agent: "a" }, value: 7 }];
    const text = await metrics.text();
    expect(lines(text, "sy_test_backlog")).toEqual(['sy_test_backlog{agent="a"} 7']);
    expect(reads).toBe(2);
    expect(errors(text, "sy_test_backlog")).toBe(0);
  });

  it("never fails a scrape: a read that throws or hangs keeps the last values and counts an error in that scrape", async () => {
    const metrics = createMetrics({ service: "coordinator", role: "coordinator", defaultMetrics: false });
    let mode: "ok" | "throw" | "hang" = "ok";
    let n = 1;
    addScrapeGauge(metrics.registry, {
      name: "sy_test_pending",
      help: "test",
      labelNames: [],
      timeoutMs: 200,
      read: () => {
        if (mode === "throw") return Promise.reject(new Error("nats: timeout"));
        if (mode === "hang") return new Promise<never>(() => {});
        return Promise.resolve([{ labels: {}, value: n }]);
      },
    });
    // A second gauge on the same registry shares the error counter, each with its own series.
    addScrapeGauge(metrics.registry, {
      name: "sy_test_other",
      help: "test",
      labelNames: [],
      read: async () => [{ labels: {}, value: 1 }],
    });
    n = 5;
    expect(lines(await metrics.text(), "sy_test_pending")).toEqual(["sy_test_pending 5"]);

    mode = "throw";
    n = 9;
    let text = await metrics.text();
    expect(lines(text, "sy_test_pending")).toEqual(["sy_test_pending 5"]);
    expect(errors(text, "sy_test_pending")).toBe(1);
    expect(errors(text, "sy_test_other")).toBe(0);

    mode = "hang";
    const started = Date.now();
    text = await metrics.text();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(lines(text, "sy_test_pending")).toEqual(["sy_test_pending 5"]);
    expect(errors(text, "sy_test_pending")).toBe(2);

    mode = "ok";
    text = await metrics.text();
    expect(lines(text, "sy_test_pending")).toEqual(["sy_test_pending 9"]);
    expect(errors(text, "sy_test_pending")).toBe(2);
  });
});
