// The supervisor knows a service is ready from its /readyz, not from its logs: services that log nothing (a higher
// SY_LOG_LEVEL) are still seen ready, and not a moment before they say so.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { superviseServices } from "./supervisor.ts";

let dir: string;
let entry: string;

// A service that logs nothing and answers /readyz 503 until READY_AFTER_MS has passed, then 200.
const FAKE_SERVICE = `
import { createServer } from "node:http";
const started = Date.now();
const after = Number(process.env.READY_AFTER_MS);
createServer((_req, res) => {
  const ready = Date.now() - started >= after;
  res.writeHead(ready ? 200 : 503).end(ready ? "ok" : "starting");
}).listen(Number(process.env.SY_METRICS_PORT), process.env.SY_METRICS_HOST);
process.on("SIGTERM", () => process.exit(0));
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "sy-supervisor-"));
  entry = join(dir, "service.mjs");
  writeFileSync(entry, FAKE_SERVICE);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const supervise = (readyAfterMs: Record<string, number>) =>
  superviseServices({
    services: Object.entries(readyAfterMs).map(([name, ms]) => ({
      name,
      entry,
      env: { READY_AFTER_MS: String(ms) },
    })),
    env: { PATH: process.env["PATH"] ?? "" },
    cwd: dir,
    output: { kind: "files", dir: join(dir, "logs") },
  });

describe("superviseServices().ready", () => {
  it("waits until every service's /readyz says 200, each on its own port", async () => {
    const supervisor = supervise({ fast: 0, slow: 1_500 });
    try {
      const started = Date.now();
      await supervisor.ready(20_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      await supervisor.stop(2_000);
    }
  });

  it("names a service that is not ready in time, with what its /readyz said", async () => {
    const supervisor = supervise({ fast: 0, never: 3_600_000 });
    try {
      await expect(supervisor.ready(2_500)).rejects.toThrow(/not ready after 2500 ms: never \(starting\)/);
    } finally {
      await supervisor.stop(2_000);
    }
  });
});
