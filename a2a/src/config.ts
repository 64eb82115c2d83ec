import { PlanChoice, TenantId, UserName } from "@switchyard/contracts";
import { z } from "zod";
import { A2aError } from "./errors.ts";

/** Default port of the gateway's HTTP server (the console's is 4280). */
export const DEFAULT_A2A_PORT = 4290;
/** Default user goals are attributed to when no header names one. */
export const DEFAULT_A2A_USER = "a2a";
/** Default bound on how long a blocking `SendMessage` or a stream waits for a goal. */
export const DEFAULT_A2A_WAIT_MS = 300_000;

/**
 * Environment variables only the gateway reads (the shared ones — NATS_URL, credentials, SY_PREFIX, … — are in
 * `@switchyard/infra`'s ConfigEnv). Each is documented in the package README.
 */
export const A2aEnv = z.object({
  SY_A2A_TENANT: TenantId,
  SY_A2A_USER: UserName.default(DEFAULT_A2A_USER),
  SY_A2A_USER_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, "must be an HTTP header name, e.g. X-Authenticated-User")
    .optional(),
  SY_A2A_TOKEN: z.string().min(16, "must be at least 16 characters (a random secret)").optional(),
  SY_A2A_PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_A2A_PORT),
  SY_A2A_HOST: z.string().regex(/^\S+$/, "must be a host name or IP address").default("127.0.0.1"),
  SY_A2A_PUBLIC_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  SY_A2A_DEFAULT_PLAN: PlanChoice.optional(),
  SY_A2A_WAIT_MS: z.coerce.number().int().positive().default(DEFAULT_A2A_WAIT_MS),
});

/** The gateway's settings, resolved once. */
export type A2aConfig = {
  /** The tenant every goal is submitted for: the one of its identity `a2a-<tenant>`. */
  tenant: string;
  /** The user goals are attributed to when `userHeader` is unset. */
  user: string;
  /**
   * A header set by an authenticating proxy in front of the gateway that names the user; when set, a request without
   * it is refused, and a task is visible only to the user it was submitted for.
   */
  userHeader?: string;
  /** A shared secret every JSON-RPC request must carry as `Authorization: Bearer <token>`; unset: none. */
  token?: string;
  port: number;
  host: string;
  /** The URL clients reach the gateway at (its card names it); default `http://<host>:<port>`. */
  publicUrl?: string;
  /** The plan of a goal whose message names none; unset: the coordinator's default. */
  defaultPlan?: string;
  /** How long a blocking `SendMessage` or a stream follows a goal before it answers with the goal's current state. */
  waitMs: number;
};

/** Reads the gateway's variables; a bad or missing one throws naming the variable. */
export function loadA2aConfig(env: NodeJS.ProcessEnv = process.env): A2aConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = A2aEnv.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new A2aError("SY_ERR_CONFIG_INVALID", `invalid configuration: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  return {
    tenant: e.SY_A2A_TENANT,
    user: e.SY_A2A_USER,
    userHeader: e.SY_A2A_USER_HEADER,
    token: e.SY_A2A_TOKEN,
    port: e.SY_A2A_PORT,
    host: e.SY_A2A_HOST,
    publicUrl: e.SY_A2A_PUBLIC_URL?.replace(/\/+$/, ""),
    defaultPlan: e.SY_A2A_DEFAULT_PLAN,
    waitMs: e.SY_A2A_WAIT_MS,
  };
}

/**
 * The identity of a tenant's gateway, `a2a-<tenant>`; also the person token it answers goals as
 * (`<prefix>.goals.answer.<person>`), which the server's permissions pin to it.
 */
export function gatewayIdentity(tenant: string): string {
  return `a2a-${tenant}`;
}

/**
 * Refuses credentials of another identity than the tenant's gateway: the inbox prefix of an identity's credentials
 * is `_INBOX_<identity>`, and a gateway for tenant `t` connects as `a2a-t` (on an open bus there is none to check).
 */
export function checkIdentity(inboxPrefix: string | undefined, tenant: string): void {
  const identity = inboxPrefix?.startsWith("_INBOX_") ? inboxPrefix.slice("_INBOX_".length) : undefined;
  if (identity === undefined || identity === gatewayIdentity(tenant)) return;
  throw new A2aError(
    "SY_ERR_CONFIG_INVALID",
    `invalid configuration: the gateway connects as ${identity}, but SY_A2A_TENANT=${tenant} needs the identity ` +
      `${gatewayIdentity(tenant)}`,
  );
}
