import { AgentName, FailureKind, type SubtaskResult } from "@switchyard/contracts";
import { z } from "zod";
import { readJsonConfigFile } from "./json-config-file.ts";

/** What to do when a subtask of an agent fails: retry with backoff, then fall back. */
export const FailurePolicy = z.object({
  /** Retries after the first failure, for the failure kinds in `retryOn`. Default 1. */
  retries: z.int().min(0).max(10).default(1),
  /** Wait before the first retry; doubles for each next one. Default 2000 ms. */
  backoffMs: z.int().min(0).max(3_600_000).default(2_000),
  /** Failure kinds worth retrying (transient ones). Default: `crashed`, `model_error`. */
  retryOn: z.array(FailureKind).default(["crashed", "model_error"]),
  /**
   * When retries are spent: run the subtask on another agent, compute its output with a deterministic handler
   * registered with the coordinator, or ask a person (`human`: the goal pauses `needs_input`). Default: the goal fails.
   */
  fallback: z
    .union([z.object({ agent: AgentName }), z.object({ handler: z.string().min(1) }), z.literal("human")])
    .optional(),
});
export type FailurePolicy = z.infer<typeof FailurePolicy>;

/** Failure policies by agent name; `*` applies to agents without their own. */
export const FailurePolicies = z.record(z.union([AgentName, z.literal("*")]), FailurePolicy);
export type FailurePolicies = z.infer<typeof FailurePolicies>;

/** The policy of an agent: its own, else `*`, else the defaults. */
export function policyFor(policies: FailurePolicies, agent: string): FailurePolicy {
  return policies[agent] ?? policies["*"] ?? FailurePolicy.parse({});
}

/** What the coordinator does with a failed subtask. */
export type FailureDecision =
  | { type: "retry"; attempt: number; notBefore: Date }
  | { type: "fallback-agent"; agent: string; attempt: number }
  | { type: "fallback-handler"; handler: string }
  | { type: "human" }
  | { type: "fail" };

/**
 * Decides, from the result's attempt number and the agent's policy, whether a failed subtask is retried (after its
 * backoff), handed to a fallback, or fails its goal. Pure, so every replica decides the same.
 */
export function decideOnFailure(result: SubtaskResult, policy: FailurePolicy, now: Date): FailureDecision {
  const kind = result.failure?.kind;
  if (kind !== undefined && policy.retryOn.includes(kind) && result.attempt <= policy.retries) {
    return {
      type: "retry",
      attempt: result.attempt + 1,
      notBefore: new Date(now.getTime() + policy.backoffMs * 2 ** (result.attempt - 1)),
    };
  }
  const fallback = policy.fallback;
  if (fallback === undefined) return { type: "fail" };
  if (fallback === "human") return { type: "human" };
  if ("agent" in fallback)
    return fallback.agent === result.agent
      ? { type: "fail" }
      : { type: "fallback-agent", agent: fallback.agent, attempt: result.attempt + 1 };
  return { type: "fallback-handler", handler: fallback.handler };
}

/** Reads failure policies from a JSON file (`SY_FAILURE_POLICIES_FILE`); a bad file fails start-up naming the field. */
export function loadFailurePolicies(file: string | undefined): FailurePolicies {
  return file === undefined || file === "" ? {} : readJsonConfigFile("SY_FAILURE_POLICIES_FILE", file, FailurePolicies);
}
