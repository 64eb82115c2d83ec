import { QuotaWindow, type ActionProposal, type Goal } from "@switchyard/contracts";
import { canonicalJson, sha256Hex } from "@switchyard/infra";
import { z } from "zod";
import { readJsonConfigFile } from "../json-config-file.ts";

/** A cumulative ceiling: what automatic approvals may add up to, in a window (unset: for all time). */
const Ceiling = z.object({ max: z.number().nonnegative(), window: QuotaWindow.optional() });

/**
 * A validator rule: approve automatically when a numeric field of the args is at most `max` — and the amounts approved
 * automatically so far stay under every cumulative ceiling, and every entity the call names is one the goal's input
 * names. Anything else waits for a person.
 */
export const AutoApproveRule = z.object({
  path: z.string().min(1).describe("Dot path of the amount in the args, e.g. `amountUsd`."),
  max: z.number().nonnegative().describe("Largest amount one proposal may have."),
  perGoal: z
    .number()
    .nonnegative()
    .optional()
    .describe("Largest sum per goal (default `max`: splitting one goal's refund into parts gains nothing)."),
  perKey: Ceiling.extend({ path: z.string().min(1).describe("Dot path of the business key, e.g. `orderId`.") })
    .optional()
    .describe("Largest sum per business key (e.g. per order), across goals."),
  perUser: Ceiling.optional().describe("Largest sum per user of a tenant."),
  perTenant: Ceiling.optional().describe("Largest sum per tenant."),
  entities: z
    .array(z.string().min(1))
    .default([])
    .describe(
      "Dot paths of args that name an entity (e.g. `orderId`): each must be the value of a field of the same name in the goal's input.",
    ),
});
export type AutoApproveRule = z.infer<typeof AutoApproveRule>;

/** Approval policies by tool name: what may be approved without a person, and how long a person has to decide. */
export const ApprovalPolicies = z.object({
  /** Time a person has to decide before the proposal is rejected automatically (expired). Default 24 h. */
  reviewMs: z.int().positive().default(86_400_000),
  tools: z.record(z.string(), z.object({ autoApprove: AutoApproveRule.optional() })).default({}),
});
export type ApprovalPolicies = z.infer<typeof ApprovalPolicies>;

/**
 * The version of a policy set: a hash of its content. An automatic approval records the version it was given under;
 * when the policy changes before the action runs, it is checked again.
 */
export function policyVersion(policies: ApprovalPolicies): string {
  return sha256Hex(canonicalJson(policies)).slice(0, 16);
}

/** The value at a dot path of a value. */
export function valueAt(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      value,
    );
}

/** The verdict of a rule on one proposal, before cumulative ceilings: the amount to count, or why a person decides. */
export type RuleVerdict = { ok: true; amount: number; rule: AutoApproveRule } | { ok: false; reason: string };

/**
 * Checks a proposal against its tool's rule alone: the amount is a number at most `max`, and every entity it names
 * is in the goal's structured input under a field of the same name (never its free text: outside text is untrusted).
 * Pure.
 */
export function checkRule(policies: ApprovalPolicies, proposal: ActionProposal, goal: Goal): RuleVerdict {
  const rule = policies.tools[proposal.tool]?.autoApprove;
  if (rule === undefined) return { ok: false, reason: `no automatic approval is configured for ${proposal.tool}` };
  const amount = valueAt(proposal.args, rule.path);
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
    return { ok: false, reason: `${rule.path} is not an amount` };
  }
  if (amount > rule.max) return { ok: false, reason: `${rule.path} ${amount} > ${rule.max} (policy)` };
  for (const path of rule.entities) {
    const entity = valueAt(proposal.args, path);
    if (!namedInInput(goal.input, lastKey(path), entity)) {
      return {
        ok: false,
        reason: `${path} ${JSON.stringify(entity)} is not named in the goal's input: a person checks calls on other entities`,
      };
    }
  }
  return { ok: true, amount, rule };
}

const lastKey = (path: string) => path.slice(path.lastIndexOf(".") + 1);

/**
 * Whether the goal's structured input holds `entity` in its top-level field `key` (or in the list there), with the
 * same type: an order id must be the input's `orderId`, not any equal value (an amount, another field), and not an
 * `orderId` nested inside other data (a ticket's thread, a customer's record) that outside text may have filled.
 */
function namedInInput(input: unknown, key: string, entity: unknown): boolean {
  if ((typeof entity !== "string" && typeof entity !== "number") || input === null || typeof input !== "object") {
    return false;
  }
  if (Array.isArray(input) || !Object.hasOwn(input, key)) return false;
  const named = (input as Record<string, unknown>)[key];
  return named === entity || (Array.isArray(named) && named.includes(entity));
}

/** Reads policies from `SY_APPROVAL_POLICIES_FILE`; a bad file fails start-up naming the field. */
export function loadApprovalPolicies(file: string | undefined): ApprovalPolicies {
  return file === undefined || file === ""
    ? ApprovalPolicies.parse({})
    : readJsonConfigFile("SY_APPROVAL_POLICIES_FILE", file, ApprovalPolicies);
}
