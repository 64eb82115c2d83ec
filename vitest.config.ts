import { defineConfig } from "vitest/config";

// Unit tests live next to the code (`*.test.ts`); end-to-end and fault tests in `test/`. Integration tests start
// their own nats-server per file, so files may run in parallel.
// The heavy suites: chaos (kill -9 of any process), node loss (a three-node cluster losing stream leaders), the
// evals (each run starts whole stacks of processes) and the packaging ones (they build and pack packages and install
// them with npm, or build every package and run the whole stack from dist/).
const HEAVY = [
  "test/fault/chaos.test.ts",
  "test/fault/node-loss.test.ts",
  "test/evals/eval-run.test.ts",
  "test/browser/console.test.ts",
  "test/packaging/pack-install.test.ts",
  "test/packaging/compiled-services.test.ts",
];

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    // The heavy suites run alone, after the rest and one after the other (`pnpm test:heavy`): each loads the
    // machine, and other files' timing-sensitive fault tests would feel it.
    exclude: [
      "**/node_modules/**",
      "**/dist/**",
      ".tools/**",
      ".switchyard/**",
      ...(process.env["SY_CHAOS"] ? [] : HEAVY),
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: process.env["CI"] ? ["default"] : ["default"],
  },
});
