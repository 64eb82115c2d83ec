import { defineConfig } from "vitest/config";

// Unit tests live next to the code (`*.test.ts`); end-to-end and fault tests in `test/`. Integration tests start
// their own nats-server per file, so files may run in parallel.
const CHAOS = "test/fault/chaos.test.ts";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    // The chaos suite runs alone, after the rest (`pnpm test:chaos`): it loads the machine for minutes.
    exclude: ["**/node_modules/**", ".tools/**", ".switchyard/**", ...(process.env["SY_CHAOS"] ? [] : [CHAOS])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: process.env["CI"] ? ["default"] : ["default"],
  },
});
