import { describe, expect, it } from "vitest";
import { createWorkStats, workStatsHandler } from "./work-stats.ts";

describe("work stats", () => {
  it("counts requests and errors in the micro stats field names, times in nanoseconds", () => {
    const stats = createWorkStats();
    expect(stats.snapshot()).toEqual({
      num_requests: 0,
      num_errors: 0,
      processing_time: 0,
      average_processing_time: 0,
    });
    stats.record(2);
    stats.record(4, "boom");
    expect(stats.snapshot()).toEqual({
      num_requests: 2,
      num_errors: 1,
      last_error: "boom",
      processing_time: 6_000_000,
      average_processing_time: 3_000_000,
    });
  });

  it("puts the counts in the data of the work endpoint only", async () => {
    const stats = createWorkStats();
    stats.record(1);
    const handler = workStatsHandler("sy.agents.echo.subtasks", stats);
    expect(await handler({ subject: "sy.agents.echo.subtasks" })).toMatchObject({ num_requests: 1 });
    expect(await handler({ subject: "sy.agents.echo.card" })).toBeUndefined();
  });
});
