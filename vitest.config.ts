import { defineConfig } from "vitest/config";

// Unit tests live next to the code (`*.test.ts`); end-to-end and fault tests in `test/`. Integration tests start
// their own nats-server per file, so files may run in parallel.
// The heavy suites: chaos (kill -9 of any process), node loss (a three-node cluster losing stream leaders) and the
// evals (each run starts whole stacks of processes).
const HEAVY = [
  "test/fault/chaos.test.ts",
  "test/fault/node-loss.test.ts",
  "test/evals/eval-run.test.ts",
  "test/browser/console.test.ts",
];

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    // The heavy suites run alone, after the rest and one after the other (`pnpm test:heavy`): each loads the
    // machine, and other files' timing-sensitive fault tests would feel it.
    exclude: ["**/node_modules/**", ".tools/**", ".switchyard/**", ...(process.env["SY_CHAOS"] ? [] : HEAVY)],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: process.env["CI"] ? ["default"] : ["default"],
  },
});
