import type { ActionProposal, SubtaskResult } from "@switchyard/contracts";
import type { Bus, EventEmitter, Logger, RejectionReporter } from "@switchyard/infra";
import type { FailurePolicies } from "./failure-policy.ts";
import type { GoalStore } from "./goal-store.ts";
import type { Planner } from "./planner/llm-planner.ts";
import type { QuotaStore } from "./quotas.ts";
import type { TemplateCatalog } from "./template-plans.ts";

/** What every coordinator step needs: the bus, the buckets, where to log and emit events, and the plans. */
export type CoordinatorDeps = {
  bus: Bus;
  store: GoalStore;
  logger: Logger;
  events: EventEmitter;
  /** Reports refused messages (bad input, a sender that may not send them), rate-limited per sender. */
  rejections: RejectionReporter;
  templates: TemplateCatalog;
  /** Plan used when a goal names none. */
  defaultPlan: string;
  /** Wall time a goal gets when its budget sets no `maxMs`. */
  defaultGoalMs: number;
  /** The LLM planner for `plan: "llm"`; absent: such goals are refused. */
  planner?: Planner;
  /** Spend per tenant/user: checked at intake, added to when a goal finishes; absent: no quotas. */
  quotas?: QuotaStore;
  /** Retry and fallback policies by agent (`*` for the rest). */
  failurePolicies: FailurePolicies;
  /** Deterministic handlers a failure policy can fall back to, by name. */
  fallbackHandlers: Record<string, FallbackHandler>;
  /** The approval authority (set once the coordinator has started it): results and timers call into it. */
  approvals?: ApprovalGate;
};

/** What goal steps ask of the approval authority (approvals/approval-authority.ts is the one implementation). */
export type ApprovalGate = {
  /** Why a `needs_approval` result's proposals are refused, or `undefined` when they may be recorded. */
  check(result: SubtaskResult, sender: string): Promise<string | undefined>;
  /** Records a proposal and approves it by policy or leaves it to a person. */
  receive(proposal: ActionProposal, sender: string): Promise<void>;
  /** A proposal's review deadline passed. */
  onReviewDue(proposalId: string): Promise<void>;
};

/**
 * A deterministic stand-in for a failed subtask ("determinism where possible"): gets the subtask's resolved input and
 * the failure, returns the output to use. It must return what the planned agent's output schema allows.
 */
export type FallbackHandler = (input: unknown, failure: { kind: string; message: string }) => Promise<unknown>;
