import type { ActionProposal } from "@switchyard/contracts";
import { z } from "zod";
import { readJsonConfigFile } from "./json-config-file.ts";

/** A validator rule: approve automatically when a numeric field of the args is at most `max`. */
const AutoApprove = z.object({
  path: z.string().min(1).describe("Dot path into the args, e.g. `amountUsd`."),
  max: z.number(),
});

/** Approval policies by tool name: what may be approved without a person, and how long a person has to decide. */
export const ApprovalPolicies = z.object({
  /** Time a person has to decide before the proposal is rejected automatically (expired). Default 24 h. */
  reviewMs: z.int().positive().default(86_400_000),
  tools: z.record(z.string(), z.object({ autoApprove: AutoApprove.optional() })).default({}),
});
export type ApprovalPolicies = z.infer<typeof ApprovalPolicies>;

function at(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (v, k) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
      value,
    );
}

/** Why a proposal may be approved without a person, or `undefined` when one must decide. */
export function autoApproval(policies: ApprovalPolicies, proposal: ActionProposal): string | undefined {
  const rule = policies.tools[proposal.tool]?.autoApprove;
  if (rule === undefined) return undefined;
  const value = at(proposal.args, rule.path);
  return typeof value === "number" && value <= rule.max ? `${rule.path} ${value} ≤ ${rule.max} (policy)` : undefined;
}

/** Reads policies from `SY_APPROVAL_POLICIES_FILE`; a bad file fails start-up naming the field. */
export function loadApprovalPolicies(file: string | undefined): ApprovalPolicies {
  return file === undefined || file === ""
    ? ApprovalPolicies.parse({})
    : readJsonConfigFile("SY_APPROVAL_POLICIES_FILE", file, ApprovalPolicies);
}
