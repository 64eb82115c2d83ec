import { readFileSync } from "node:fs";
import { QuotaWindow } from "@switchyard/contracts";
import { describeIssues, errorMessage, toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import type { CoordinatorEnv } from "./config.ts";
import { CoordinatorError } from "./errors.ts";

/** Window of a policy that names none. */
export const DEFAULT_QUOTA_WINDOW: QuotaWindow = "1d";

const Usd = z.number().nonnegative("must be a number of US dollars, 0 or more");
const Limit = z.strictObject({ usd: Usd });

/**
 * How much each tenant and each user of a tenant may spend (the sum of their finished goals' `usage.costUsd`) in
 * one fixed window. A specific entry wins over the default; a scope with neither is unlimited. Unknown fields are
 * rejected, so a misspelt one is named instead of ignored. This is also the `SY_QUOTAS_FILE` format.
 */
export const QuotaPolicy = z.strictObject({
  /** Default {@link DEFAULT_QUOTA_WINDOW} (`1d`). */
  window: QuotaWindow.optional(),
  defaults: z
    .strictObject({
      /** Limit of a tenant with no entry in `tenants`; default none. */
      tenantUsd: Usd.optional(),
      /** Limit of a user with no entry in `users`; default none. */
      userUsd: Usd.optional(),
    })
    .optional(),
  /** Limits by tenant. */
  tenants: z.record(z.string(), Limit).optional(),
  /** Limits by `<tenant>/<user>`. */
  users: z
    .record(z.string(), Limit)
    .superRefine((users, ctx) => {
      // Checked here rather than as a key schema: zod reports a bad record key only as "Invalid key in record".
      for (const key of Object.keys(users)) {
        if (!/^[^/]+\/.+$/.test(key)) ctx.addIssue({ code: "custom", path: [key], message: "must be <tenant>/<user>" });
      }
    })
    .optional(),
});
export type QuotaPolicy = z.infer<typeof QuotaPolicy>;

/** Checks a policy; throws naming the field and the rule it broke, prefixed with where the policy came from. */
export function parseQuotaPolicy(raw: unknown, origin: string): QuotaPolicy {
  const parsed = QuotaPolicy.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new CoordinatorError(
    "SY_ERR_QUOTAS_INVALID",
    "caller",
    `${origin}: ${describeIssues(toValidationIssues(parsed.error))}`,
  );
}

/**
 * The policy of `SY_QUOTAS_FILE`, with `SY_QUOTA_WINDOW`, `SY_QUOTA_TENANT_USD` and `SY_QUOTA_USER_USD` over its
 * window and defaults. `undefined` when neither a file nor a limit is set: no quotas, no accounting.
 */
export function loadQuotaPolicy(
  env: Pick<CoordinatorEnv, "SY_QUOTAS_FILE" | "SY_QUOTA_WINDOW" | "SY_QUOTA_TENANT_USD" | "SY_QUOTA_USER_USD">,
): QuotaPolicy | undefined {
  const file = env.SY_QUOTAS_FILE;
  if (file === undefined && env.SY_QUOTA_TENANT_USD === undefined && env.SY_QUOTA_USER_USD === undefined) {
    return undefined;
  }
  let fromFile: QuotaPolicy = {};
  if (file !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new CoordinatorError("SY_ERR_QUOTAS_INVALID", "caller", `SY_QUOTAS_FILE=${file}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    fromFile = parseQuotaPolicy(raw, `SY_QUOTAS_FILE=${file}`);
  }
  return {
    ...fromFile,
    window: env.SY_QUOTA_WINDOW ?? fromFile.window,
    defaults: {
      tenantUsd: env.SY_QUOTA_TENANT_USD ?? fromFile.defaults?.tenantUsd,
      userUsd: env.SY_QUOTA_USER_USD ?? fromFile.defaults?.userUsd,
    },
  };
}
