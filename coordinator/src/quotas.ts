import {
  QuotaCharge,
  QuotaSpend,
  WIRE_VERSION,
  type Goal,
  type GoalFailure,
  type GoalResult,
  type QuotaScope,
  type QuotaWindow,
} from "@switchyard/contracts";
import { createJson, getJson, sha256Hex, updateJson, type Buckets, type Bus } from "@switchyard/infra";
import { DEFAULT_QUOTA_WINDOW, type QuotaPolicy } from "./quota-policy.ts";

/** Length of each window in milliseconds. Windows are aligned to the epoch: UTC hours and UTC midnights. */
export const QUOTA_WINDOW_MS: Record<QuotaWindow, number> = { "1h": 3_600_000, "1d": 86_400_000 };

/** How many of the latest goal ids a spend entry keeps to recognise a goal counted twice (e.g. by two replicas). */
const RECENT_GOALS = 128;

/** Whose spend: the tenant, or one user of it. */
export type QuotaSubject = Pick<Goal, "tenant" | "user">;

/** One fixed window: `start` inclusive, `end` exclusive (when the spend resets). */
export type QuotaWindowSpan = { window: QuotaWindow; start: Date; end: Date };

/** The window that holds `at`. */
export function quotaWindow(window: QuotaWindow, at: Date): QuotaWindowSpan {
  const length = QUOTA_WINDOW_MS[window];
  const start = Math.floor(at.getTime() / length) * length;
  return { window, start: new Date(start), end: new Date(start + length) };
}

/** The limits that apply to a tenant and user: their own entry, else the default; `undefined` = unlimited. */
export function quotaLimits(policy: QuotaPolicy, who: QuotaSubject): { tenantUsd?: number; userUsd?: number } {
  return {
    tenantUsd: policy.tenants?.[who.tenant]?.usd ?? policy.defaults?.tenantUsd,
    userUsd: policy.users?.[`${who.tenant}/${who.user}`]?.usd ?? policy.defaults?.userUsd,
  };
}

/**
 * Decides whether a new goal may start: refused (`policy_denied`, naming who, the spend, the limit and when it
 * resets) when the user's or the tenant's spend in the window holding `now` has reached its limit; the user's limit
 * is reported first. `spent` is what they spent in that window. Pure: tests call it with a fixed clock.
 */
export function decideQuota(
  policy: QuotaPolicy,
  who: QuotaSubject,
  spent: { tenantUsd: number; userUsd: number },
  now: Date,
): GoalFailure | undefined {
  const span = quotaWindow(policy.window ?? DEFAULT_QUOTA_WINDOW, now);
  const limits = quotaLimits(policy, who);
  const over =
    limits.userUsd !== undefined && spent.userUsd >= limits.userUsd
      ? { whom: `user ${who.user} (tenant ${who.tenant})`, usd: spent.userUsd, limit: limits.userUsd }
      : limits.tenantUsd !== undefined && spent.tenantUsd >= limits.tenantUsd
        ? { whom: `tenant ${who.tenant}`, usd: spent.tenantUsd, limit: limits.tenantUsd }
        : undefined;
  if (over === undefined) return undefined;
  return {
    kind: "policy_denied",
    message:
      `quota exceeded: ${over.whom} spent $${over.usd.toFixed(4)} of $${over.limit.toFixed(4)} in the current ` +
      `${span.window} window; it resets at ${span.end.toISOString()}`,
  };
}

/** What a tenant and one of its users spent in one window (`undefined`: nothing yet). */
export type QuotaSpending = { span: QuotaWindowSpan; tenant?: QuotaSpend; user?: QuotaSpend };

/** Quota accounting in KV `<prefix>_quotas`. */
export type QuotaStore = {
  /** Why a new goal of this tenant/user is refused now, or `undefined` when it may run. Reads only limited scopes. */
  check(who: QuotaSubject, now?: Date): Promise<GoalFailure | undefined>;
  /**
   * Adds a finished goal's `usage.costUsd` to its tenant's and user's spend in the window of its `finishedAt`.
   * Counts each goal once, however often it is called and by however many replicas.
   */
  recordSpend(goal: QuotaSubject, result: GoalResult): Promise<void>;
  /** What a tenant and user spent in the window holding `at` (default now). */
  spending(who: QuotaSubject, at?: Date): Promise<QuotaSpending>;
};

/** A quota store under a policy; the policy must already be valid (see `parseQuotaPolicy`). */
export function createQuotaStore(bus: Bus, buckets: Buckets, policy: QuotaPolicy): QuotaStore {
  const kv = buckets.quotas;
  const keys = bus.names.keys;
  const window = policy.window ?? DEFAULT_QUOTA_WINDOW;
  const scopeKey = (scope: QuotaScope, who: QuotaSubject) =>
    scope === "tenant" ? who.tenant : `${who.tenant}/${who.user}`;
  // Hashed: names may hold characters a KV key may not. A user is hashed with its tenant, unambiguously.
  const kvKey = (scope: QuotaScope, who: QuotaSubject, span: QuotaWindowSpan) =>
    keys.spend(
      scope,
      sha256Hex(scope === "tenant" ? who.tenant : JSON.stringify([who.tenant, who.user])).slice(0, 16),
      span.window,
      span.start.getTime() / 1000,
    );
  const read = async (scope: QuotaScope, who: QuotaSubject, span: QuotaWindowSpan) =>
    (await getJson(kv, kvKey(scope, who, span), QuotaSpend))?.value;

  async function add(scope: QuotaScope, who: QuotaSubject, span: QuotaWindowSpan, goalId: string, usd: number) {
    const key = kvKey(scope, who, span);
    const first: QuotaSpend = {
      v: WIRE_VERSION,
      scope,
      key: scopeKey(scope, who),
      window: span.window,
      windowStart: span.start.toISOString(),
      usd,
      goals: 1,
      recent: [goalId],
    };
    if ((await createJson(kv, key, QuotaSpend, first)) !== undefined) return;
    await updateJson(kv, key, QuotaSpend, (s) =>
      s.recent.includes(goalId)
        ? { keep: true }
        : { write: { ...s, usd: s.usd + usd, goals: s.goals + 1, recent: [...s.recent, goalId].slice(-RECENT_GOALS) } },
    );
  }

  return {
    async check(who, now = new Date()) {
      const limits = quotaLimits(policy, who);
      const span = quotaWindow(window, now);
      const [tenant, user] = await Promise.all([
        limits.tenantUsd === undefined ? undefined : read("tenant", who, span),
        limits.userUsd === undefined ? undefined : read("user", who, span),
      ]);
      return decideQuota(policy, who, { tenantUsd: tenant?.usd ?? 0, userUsd: user?.usd ?? 0 }, now);
    },
    async recordSpend(who, result) {
      const usd = result.usage.costUsd;
      if (!(usd > 0)) return;
      // The marker makes a late second call a no-op; the ids kept in each entry cover calls racing before it exists.
      const marker = keys.spent(result.goalId);
      if ((await getJson(kv, marker, QuotaCharge)) !== undefined) return;
      const span = quotaWindow(window, new Date(result.finishedAt));
      await Promise.all([add("tenant", who, span, result.goalId, usd), add("user", who, span, result.goalId, usd)]);
      const charge = { v: WIRE_VERSION, goalId: result.goalId, usd, countedAt: new Date().toISOString() } as const;
      await createJson(kv, marker, QuotaCharge, charge);
    },
    async spending(who, at = new Date()) {
      const span = quotaWindow(window, at);
      const [tenant, user] = await Promise.all([read("tenant", who, span), read("user", who, span)]);
      return { span, tenant, user };
    },
  };
}
