// The coordinator service: `node --import tsx coordinator/src/main.ts` (or `switchyard up`).
import { runServiceProcess } from "@switchyard/infra";
import { resolveModel } from "@switchyard/models";
import { loadCoordinatorEnv } from "./config.ts";
import { createCoordinator } from "./coordinator.ts";
import { loadApprovalPolicies } from "./approvals/approval-policy.ts";
import { loadFailurePolicies } from "./failure-policy.ts";
import { createBusAgentCatalog } from "./planner/agent-catalog.ts";
import { createLlmPlanner } from "./planner/llm-planner.ts";
import { DEFAULT_PLANNER_MODEL } from "./planner/offline-script.ts";
import { loadQuotaPolicy } from "./quota-policy.ts";
import { loadTemplateCatalog } from "./template-plans.ts";

await runServiceProcess({
  service: "coordinator",
  role: "coordinator",
  // The coordinator sets up the streams and buckets; on an authorized bus no other service may.
  topology: "own",
  start: ({ bus, buckets, logger, metrics }) => {
    const env = loadCoordinatorEnv();
    // A model string that cannot be resolved (e.g. its API key is missing) stops start-up here, naming the variable.
    const planner = createLlmPlanner({
      model: resolveModel(env.SY_PLANNER_MODEL ?? DEFAULT_PLANNER_MODEL),
      catalog: createBusAgentCatalog(bus),
      logger,
    });
    return createCoordinator({
      bus,
      buckets,
      logger,
      metrics,
      templates: loadTemplateCatalog(env.SY_TEMPLATES_FILE),
      defaultPlan: env.SY_DEFAULT_PLAN,
      defaultGoalMs: env.SY_DEFAULT_GOAL_MS,
      maxInFlight: env.SY_COORDINATOR_MAX_IN_FLIGHT,
      planner,
      quotas: loadQuotaPolicy(env),
      failurePolicies: loadFailurePolicies(env.SY_FAILURE_POLICIES_FILE),
      approvalPolicies: loadApprovalPolicies(env.SY_APPROVAL_POLICIES_FILE),
    });
  },
});
