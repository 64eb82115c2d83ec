// The executor service: `node --import tsx executor/src/main.ts` (or `switchyard up`). One replica is enough; more
// are safe, since the ledger claim lets only one of them run a given action.
import { runServiceProcess } from "@switchyard/infra";
import { exampleActions } from "./actions/example-actions.ts";
import { loadExecutorEnv } from "./config.ts";
import { serveExecutor } from "./serve-executor.ts";

await runServiceProcess({
  service: "executor",
  role: "executor",
  start: ({ bus, buckets, logger, metrics }) => {
    // A bad SY_ACTION_TIMEOUT_MS or SY_PAYMENTS_URL stops start-up here, naming the variable.
    const env = loadExecutorEnv();
    if (env.SY_PAYMENTS_URL === undefined) {
      logger.warn({ event: "payments.offline" }, "SY_PAYMENTS_URL is unset: refunds go to the offline stub");
    }
    return serveExecutor({
      actions: exampleActions(env),
      bus,
      buckets,
      logger,
      metrics,
      actionTimeoutMs: env.SY_ACTION_TIMEOUT_MS,
    });
  },
});
