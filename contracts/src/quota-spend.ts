import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";
import { GoalId, Timestamp } from "./ids.ts";
import { WireVersion } from "./version.ts";

/** Who a quota applies to: a whole tenant, or one user of a tenant. */
export const QuotaScope = z
  .enum(["tenant", "user"])
  .register(wireDocs, { description: "Who a quota applies to: a whole tenant, or one user of a tenant." });
export type QuotaScope = z.infer<typeof QuotaScope>;

/** The length of a quota window: fixed windows aligned to UTC hours (`1h`) or UTC midnights (`1d`). */
export const QuotaWindow = z.enum(["1h", "1d"]).register(wireDocs, {
  description: "The length of a quota window: fixed windows aligned to UTC hours (`1h`) or UTC midnights (`1d`).",
});
export type QuotaWindow = z.infer<typeof QuotaWindow>;

/**
 * KV `<prefix>_quotas` entry `spend.<scope>.<hash>.<window>.<window start, epoch seconds>`: what one tenant or user
 * spent in one fixed window (finished goals, each counted once, in the window it finished in). Updated with
 * compare-and-set.
 */
export const QuotaSpend = z
  .object({
    v: WireVersion,
    scope: QuotaScope,
    key: z.string().min(1).max(257).describe("The tenant, or `<tenant>/<user>` for a user."),
    window: QuotaWindow,
    windowStart: Timestamp.describe("Start of the window (UTC); it ends one window length later."),
    usd: z.number().nonnegative().describe("Sum of the finished goals' `usage.costUsd` in this window."),
    goals: z.int().nonnegative().describe("Finished goals that cost something in this window."),
    recent: z
      .array(GoalId)
      .max(256)
      .default([])
      .describe("The latest goals counted here, so a repeated count of the same goal is recognised and skipped."),
  })
  .register(wireDocs, {
    description:
      "What one tenant or user spent in one fixed window, in KV `<prefix>_quotas` under " +
      "`spend.<scope>.<hash>.<window>.<window start>` (written by the coordinator).",
  });
export type QuotaSpend = z.infer<typeof QuotaSpend>;

/** KV `<prefix>_quotas` entry `spent.<goalId>`: the goal's cost has been counted in every scope. */
export const QuotaCharge = z
  .object({
    v: WireVersion,
    goalId: GoalId,
    usd: z.number().nonnegative(),
    countedAt: Timestamp,
  })
  .register(wireDocs, {
    description: "KV `<prefix>_quotas` entry `spent.<goalId>`: the goal's cost has been counted in every scope.",
  });
export type QuotaCharge = z.infer<typeof QuotaCharge>;
