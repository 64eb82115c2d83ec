import type { KV } from "@nats-io/kv";
import { WireVersion, type ActionProposal, type Goal, type WireNames } from "@switchyard/contracts";
import { createJson, sha256Hex, updateJson } from "@switchyard/infra";
import { z } from "zod";
import { quotaWindow } from "../quotas.ts";
import { valueAt, type AutoApproveRule } from "./approval-policy.ts";

/**
 * KV `<prefix>_approvals` entry `auto.<tool>.<scope>.<hash>.<window start>`: what automatic approvals have added up to
 * in one scope (a goal, a business key, a user, a tenant) and window, and which proposals were counted (so a
 * proposal handled twice is counted once).
 */
const AutoApprovedTotal = z.object({
  v: WireVersion,
  total: z.number().nonnegative(),
  proposals: z.array(z.string()).max(256),
});

/** One cumulative ceiling a proposal must fit under. */
type Ceiling = { label: string; key: string; max: number };

/** The ceilings of a rule for one proposal, or why the proposal cannot be measured against them. */
function ceilingsFor(
  names: WireNames,
  rule: AutoApproveRule,
  proposal: ActionProposal,
  goal: Goal,
  now: Date,
): Ceiling[] | string {
  const key = (scope: string, id: string, window?: "1h" | "1d") =>
    names.keys.autoApproved(
      proposal.tool,
      scope,
      sha256Hex(id).slice(0, 32),
      window === undefined ? 0 : quotaWindow(window, now).start.getTime() / 1000,
    );
  const ceilings: Ceiling[] = [{ label: `goal ${goal.id}`, key: key("goal", goal.id), max: rule.perGoal ?? rule.max }];
  if (rule.perKey !== undefined) {
    const business = valueAt(proposal.args, rule.perKey.path);
    if (typeof business !== "string" && typeof business !== "number") return `${rule.perKey.path} is missing`;
    ceilings.push({
      label: `${rule.perKey.path} ${String(business)}`,
      // Per tenant: one tenant's orders never use up another's allowance (their ids may coincide).
      key: key("key", `${goal.tenant}\n${proposal.tool}\n${String(business)}`, rule.perKey.window),
      max: rule.perKey.max,
    });
  }
  if (rule.perUser !== undefined) {
    ceilings.push({
      label: `user ${goal.user} of tenant ${goal.tenant}${rule.perUser.window ? ` per ${rule.perUser.window}` : ""}`,
      key: key("user", `${goal.tenant}\n${goal.user}`, rule.perUser.window),
      max: rule.perUser.max,
    });
  }
  if (rule.perTenant !== undefined) {
    ceilings.push({
      label: `tenant ${goal.tenant}${rule.perTenant.window ? ` per ${rule.perTenant.window}` : ""}`,
      key: key("tenant", goal.tenant, rule.perTenant.window),
      max: rule.perTenant.max,
    });
  }
  return ceilings;
}

/**
 * Adds `amount` under `ceiling` for `proposalId` (once); `false` when it would go over. A proposal counted before
 * (handled again, or checked again under a new policy) fits when the total it is part of is within the ceiling.
 */
async function add(kv: KV, ceiling: Ceiling, proposalId: string, amount: number): Promise<boolean> {
  if (amount > ceiling.max) return false;
  const fresh = { v: 1 as const, total: amount, proposals: [proposalId] };
  if ((await createJson(kv, ceiling.key, AutoApprovedTotal, fresh)) !== undefined) return true;
  const after = await updateJson(kv, ceiling.key, AutoApprovedTotal, (current) =>
    current.proposals.includes(proposalId) || current.total + amount > ceiling.max
      ? { keep: true }
      : {
          write: {
            ...current,
            total: current.total + amount,
            proposals: [...current.proposals, proposalId].slice(-256),
          },
        },
  );
  return after.value.proposals.includes(proposalId) && after.value.total <= ceiling.max;
}

/** Takes back what {@link add} counted (a later ceiling refused the proposal). */
async function remove(kv: KV, ceiling: Ceiling, proposalId: string, amount: number): Promise<void> {
  await updateJson(kv, ceiling.key, AutoApprovedTotal, (current) =>
    current.proposals.includes(proposalId)
      ? {
          write: {
            ...current,
            total: Math.max(0, current.total - amount),
            proposals: current.proposals.filter((p) => p !== proposalId),
          },
        }
      : { keep: true },
  );
}

/**
 * Counts an automatically approvable proposal's amount under each cumulative ceiling of its rule (per goal, per
 * business key, per user, per tenant) with compare-and-set writes, all or nothing: if one ceiling would be exceeded,
 * what was counted is taken back and a person decides. So splitting a refund into parts, or spreading it over goals,
 * never gets more approved automatically than one proposal could.
 */
export async function reserveAutoApproval(opts: {
  kv: KV;
  names: WireNames;
  rule: AutoApproveRule;
  proposal: ActionProposal;
  goal: Goal;
  amount: number;
  now: Date;
}): Promise<{ ok: true } | { ok: false; reason: string }> {
  const ceilings = ceilingsFor(opts.names, opts.rule, opts.proposal, opts.goal, opts.now);
  if (typeof ceilings === "string") return { ok: false, reason: ceilings };
  const counted: Ceiling[] = [];
  for (const ceiling of ceilings) {
    if (await add(opts.kv, ceiling, opts.proposal.id, opts.amount)) {
      counted.push(ceiling);
      continue;
    }
    // Taken back everywhere it counts, the refusing ceiling too (a proposal counted there before, under a policy
    // with a higher ceiling, leaves it).
    for (const c of [...counted, ceiling]) await remove(opts.kv, c, opts.proposal.id, opts.amount);
    return {
      ok: false,
      reason: `automatic approvals for ${ceiling.label} would exceed ${ceiling.max} (cumulative policy)`,
    };
  }
  return { ok: true };
}
