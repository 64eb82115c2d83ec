import { QuotaWindow } from "@switchyard/contracts";
import { z } from "zod";
import { CoordinatorError } from "./errors.ts";

/** Environment variables only the coordinator reads (the shared ones are in `@switchyard/infra`'s ConfigEnv). */
export const CoordinatorEnv = z.object({
  SY_TEMPLATES_FILE: z.string().min(1).optional(),
  SY_DEFAULT_PLAN: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/, "must be a template name or llm")
    .optional(),
  SY_DEFAULT_GOAL_MS: z.coerce.number().int().positive().optional(),
  SY_FAILURE_POLICIES_FILE: z.string().min(1).optional(),
  SY_APPROVAL_POLICIES_FILE: z.string().min(1).optional(),
  SY_PLANNER_MODEL: z
    .string()
    .regex(/^[a-z][a-z-]*:.+$/, "must be <provider>:<model>, e.g. anthropic:claude-sonnet-4-5 or scripted:<script>")
    .optional(),
  SY_COORDINATOR_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).optional(),
  SY_QUOTAS_FILE: z.string().min(1).optional(),
  SY_QUOTA_TENANT_USD: z.coerce.number().nonnegative("must be a number of US dollars, 0 or more").optional(),
  SY_QUOTA_USER_USD: z.coerce.number().nonnegative("must be a number of US dollars, 0 or more").optional(),
  SY_QUOTA_WINDOW: QuotaWindow.optional(),
});
export type CoordinatorEnv = z.infer<typeof CoordinatorEnv>;

/** Reads the coordinator's own variables; a bad value throws naming the variable. */
export function loadCoordinatorEnv(env: NodeJS.ProcessEnv = process.env): CoordinatorEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = CoordinatorEnv.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new CoordinatorError("SY_ERR_CONFIG_INVALID", "caller", `invalid configuration: ${lines.join("; ")}`);
}
