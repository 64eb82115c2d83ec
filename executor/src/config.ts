import { z } from "zod";
import { ExecutorError } from "./errors.ts";

/** How long one action may run before it is aborted and recorded as failed: 30 s. */
export const DEFAULT_ACTION_TIMEOUT_MS = 30_000;

// A compose file writes `FOO: ""` for "not set", as `loadConfig` in infra reads it.
const unsetIfEmpty = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === "" ? undefined : v), schema);

/** Environment variables only the executor reads (the shared ones are in `@switchyard/infra`'s ConfigEnv). */
export const ExecutorEnv = z.object({
  SY_ACTION_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_ACTION_TIMEOUT_MS),
  /** Base URL of the payments API `issue_refund` calls; unset or empty: the built-in offline stub. */
  SY_PAYMENTS_URL: unsetIfEmpty(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional()),
  /** Bearer token for the payments API: a credential only the executor holds. */
  SY_PAYMENTS_TOKEN: unsetIfEmpty(z.string().min(1).optional()),
});
export type ExecutorEnv = z.infer<typeof ExecutorEnv>;

/** Reads the executor's own variables (default `process.env`); a bad value throws naming the variable. */
export function loadExecutorEnv(env: NodeJS.ProcessEnv = process.env): ExecutorEnv {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ExecutorEnv.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  throw new ExecutorError("SY_ERR_CONFIG_INVALID", "caller", `invalid configuration: ${lines.join("; ")}`);
}
