// The coordinator service: `node --import tsx coordinator/src/main.ts` (or `switchyard up`).
import { runServiceProcess } from "@switchyard/infra";
import { loadCoordinatorEnv } from "./config.ts";
import { createCoordinator } from "./coordinator.ts";
import { loadTemplateCatalog } from "./template-plans.ts";

await runServiceProcess({
  service: "coordinator",
  start: ({ bus, buckets, logger, metrics }) => {
    const env = loadCoordinatorEnv();
    return createCoordinator({
      bus,
      buckets,
      logger,
      metrics,
      templates: loadTemplateCatalog(env.SY_TEMPLATES_FILE),
      defaultPlan: env.SY_DEFAULT_PLAN,
      defaultGoalMs: env.SY_DEFAULT_GOAL_MS,
    });
  },
});
