export { createCoordinator, DEFAULT_GOAL_MS, DEFAULT_PLAN } from "./coordinator.ts";
export { addBacklogGauges } from "./backlog-gauges.ts";
export type { BacklogGaugesOptions } from "./backlog-gauges.ts";
export { CoordinatorEnv, loadCoordinatorEnv } from "./config.ts";
export { CoordinatorError } from "./errors.ts";
export { findCycle, readySubtasks, sinks } from "./dag.ts";
export { acceptedRecord, applyResult, claimDispatch, refusedRecord } from "./goal-state.ts";
export { choosePlan } from "./intake.ts";
export {
  createAgentCatalog,
  createBusAgentCatalog,
  DEFAULT_CATALOG_TTL_MS,
  DEFAULT_DISCOVERY_WAIT_MS,
  discoverAgentCards,
} from "./planner/agent-catalog.ts";
export { createLlmPlanner, DEFAULT_MAX_REPAIRS, DEFAULT_PLANNER_MAX_OUTPUT_TOKENS } from "./planner/llm-planner.ts";
export { DEFAULT_PLANNER_MODEL, offlinePlan, PLANNER_OFFLINE_SCRIPT } from "./planner/offline-script.ts";
export { PLANNER_INSTRUCTIONS, readPlannerUserMessage, SUBMIT_PLAN } from "./planner/planner-prompt.ts";
export { DEFAULT_MAX_PLANNED_SUBTASKS, describePlanErrors, validatePlan } from "./planner/validate-plan.ts";
export { DEFAULT_QUOTA_WINDOW, loadQuotaPolicy, parseQuotaPolicy, QuotaPolicy } from "./quota-policy.ts";
export { createQuotaStore, decideQuota, QUOTA_WINDOW_MS, quotaLimits, quotaWindow } from "./quotas.ts";
export { resolveTemplateInput } from "./template-input.ts";
export {
  BUILTIN_TEMPLATES,
  loadTemplateCatalog,
  parseTemplateCatalog,
  TemplateCatalog,
  TemplatePlan,
} from "./template-plans.ts";
export type { Coordinator, CoordinatorOptions } from "./coordinator.ts";
export type { CoordinatorErrorCode } from "./errors.ts";
export type { PlanChoice } from "./intake.ts";
export type { AgentCatalog, AgentCatalogOptions } from "./planner/agent-catalog.ts";
export type {
  LlmPlannerOptions,
  PlanFailureStatus,
  PlanOutcome,
  Planner,
  PlannerModelCall,
  PlanRequest,
} from "./planner/llm-planner.ts";
export type { CatalogEntry, PlannerTask } from "./planner/planner-prompt.ts";
export type { PlanError, ValidatePlanOptions } from "./planner/validate-plan.ts";
export type { QuotaSpending, QuotaStore, QuotaSubject, QuotaWindowSpan } from "./quotas.ts";
export type { ReferenceScope } from "./template-input.ts";
export { decideOnFailure, FailurePolicies, FailurePolicy, loadFailurePolicies, policyFor } from "./failure-policy.ts";
export { goalLimitReached, goalUsage, subtaskBudget } from "./goal-budget.ts";
export type { FailureDecision } from "./failure-policy.ts";
export type { FallbackHandler } from "./deps.ts";
export {
  ApprovalPolicies,
  AutoApproveRule,
  checkRule,
  loadApprovalPolicies,
  policyVersion,
} from "./approvals/approval-policy.ts";
export { createApprovalAuthority } from "./approvals/approval-authority.ts";
export type { ApprovalAuthority, ApprovalAuthorityOptions } from "./approvals/approval-authority.ts";
export { proposalRefusal } from "./approvals/proposal-check.ts";
