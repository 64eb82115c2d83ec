import { hostname } from "node:os";
import { DEFAULT_PREFIX, PREFIX_PATTERN } from "@switchyard/contracts";
import { z } from "zod";
import { InfraError } from "./errors.ts";

/** Default NATS URL when `NATS_URL` is unset. */
export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

const positiveMs = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/**
 * The environment every Switchyard process reads. Each variable is documented in `infra/README.md`;
 * the names here are the variable names, so an error can name the variable that is wrong.
 */
export const ConfigEnv = z.object({
  NATS_URL: z
    .string()
    .regex(
      /^(nats|tls|wss?):\/\/[^\s,]+(,(nats|tls|wss?):\/\/[^\s,]+)*$/,
      "must be nats://host:port (comma-separated for a cluster)",
    )
    .default(DEFAULT_NATS_URL),
  NATS_CREDS: z.string().min(1).optional(),
  NATS_NKEY: z.string().min(1).optional(),
  NATS_INBOX_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be one subject token, e.g. _INBOX_agent-keywords")
    .optional(),
  NATS_TOKEN: z.string().min(1).optional(),
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  SY_INSECURE: z
    .enum(["true", "false", "1", "0"], "must be true or false")
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  SY_PREFIX: z
    .string()
    .regex(PREFIX_PATTERN, `must match ${String(PREFIX_PATTERN)}`)
    .default(DEFAULT_PREFIX),
  SY_INSTANCE: z
    .string()
    .regex(/^[\w.-]{1,128}$/, "must be 1-128 characters of A-Z a-z 0-9 _ . -")
    .optional(),
  SY_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SY_ACK_WAIT_MS: positiveMs(30_000),
  SY_MAX_DELIVER: z.coerce.number().int().min(1).max(1000).default(5),
  SY_DUPLICATE_WINDOW_MS: positiveMs(120_000),
  SY_EVENTS_MAX_AGE_MS: positiveMs(7 * 24 * 3_600_000),
  SY_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(30 * 24 * 3_600_000),
  SY_STORAGE: z.enum(["file", "memory"]).default("file"),
  SY_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  SY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(16),
  SY_METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  SY_METRICS_HOST: z.string().regex(/^\S+$/, "must be a host name or IP address").default("127.0.0.1"),
});

/** Parsed configuration shared by every process. */
export type Config = {
  natsUrl: string[];
  /** How to authenticate: an nkey seed file (what `switchyard auth init` makes), a creds file, a token or a password. */
  auth: { nkey?: string; creds?: string; token?: string; user?: string; password?: string };
  /** Replies come to `<inboxPrefix>.>`; the server lets only this identity read it. Default `_INBOX`. */
  inboxPrefix?: string;
  /** Connecting without credentials is allowed (an open bus), with a warning. Default false. */
  insecure: boolean;
  prefix: string;
  instance: string;
  logLevel: z.infer<typeof ConfigEnv>["SY_LOG_LEVEL"];
  ackWaitMs: number;
  maxDeliver: number;
  duplicateWindowMs: number;
  eventsMaxAgeMs: number;
  /**
   * How long a goal's state (its record, idempotency key and cancel flag in `sy_goals`) and its runs' ledgers and
   * journals (`sy_effects`) are kept after their last write: a finished goal is compacted away after this. 0 keeps
   * them forever. Must be longer than any goal waits for a person.
   */
  retentionMs: number;
  storage: "file" | "memory";
  replicas: number;
  maxInFlight: number;
  /** Port of the Prometheus endpoint (`0`: any free port); unset: no endpoint. */
  metricsPort?: number;
  /** Interface of the Prometheus endpoint (default `127.0.0.1`). */
  metricsHost: string;
};

/** Reads the configuration from `env` (default `process.env`); a bad value throws an error naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset, as a shell `FOO= cmd` or a compose file `FOO: ""` intends.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigEnv.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `${i.path.join(".")}=${JSON.stringify(present[String(i.path[0])] ?? "")}: ${i.message}`,
    );
    throw new InfraError("SY_ERR_CONFIG_INVALID", "caller", `invalid configuration: ${lines.join("; ")}`);
  }
  const e = parsed.data;
  if (e.NATS_USER !== undefined && e.NATS_PASSWORD === undefined) {
    throw new InfraError(
      "SY_ERR_CONFIG_INVALID",
      "caller",
      "invalid configuration: NATS_USER is set but NATS_PASSWORD is not",
    );
  }
  return {
    natsUrl: e.NATS_URL.split(","),
    auth: { nkey: e.NATS_NKEY, creds: e.NATS_CREDS, token: e.NATS_TOKEN, user: e.NATS_USER, password: e.NATS_PASSWORD },
    inboxPrefix: e.NATS_INBOX_PREFIX,
    insecure: e.SY_INSECURE,
    prefix: e.SY_PREFIX,
    instance: e.SY_INSTANCE ?? `${hostname()}-${process.pid}`,
    logLevel: e.SY_LOG_LEVEL,
    ackWaitMs: e.SY_ACK_WAIT_MS,
    maxDeliver: e.SY_MAX_DELIVER,
    duplicateWindowMs: e.SY_DUPLICATE_WINDOW_MS,
    eventsMaxAgeMs: e.SY_EVENTS_MAX_AGE_MS,
    retentionMs: e.SY_RETENTION_MS,
    storage: e.SY_STORAGE,
    replicas: e.SY_REPLICAS,
    maxInFlight: e.SY_MAX_IN_FLIGHT,
    metricsPort: e.SY_METRICS_PORT,
    metricsHost: e.SY_METRICS_HOST,
  };
}
