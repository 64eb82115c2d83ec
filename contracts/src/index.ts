export { WIRE_VERSION, WireVersion } from "./version.ts";
export { AgentName, GoalId, PersonId, ProposalId, SubtaskId, TenantId, Timestamp, TraceId, UserName } from "./ids.ts";
export { Budget, Usage } from "./budget.ts";
export { Failure, FailureKind, RunStatus } from "./run-status.ts";
export { Goal, PlanChoice } from "./goal.ts";
export { MAX_PLAN_SUBTASKS, Plan, PlannedSubtask } from "./plan.ts";
export { SubtaskEnvelope } from "./subtask-envelope.ts";
export { ActionProposal, ProposalStatus } from "./action-proposal.ts";
export { Assessment, SubtaskResult } from "./subtask-result.ts";
export { GoalFailure, GoalResult } from "./goal-result.ts";
export { GoalPhase, GoalRecord, IdempotencyRecord, SubtaskState } from "./goal-record.ts";
export { AgentCard, JsonSchemaDocument, ToolKind } from "./agent-card.ts";
export {
  ActionOutcome,
  ApprovalDecision,
  ApprovalPolicyVersion,
  ApprovalRecord,
  ApprovedAction,
  RefusalCode,
} from "./approval.ts";
export { CancelReply, CancelRequest, GoalReply, ReplyError } from "./control.ts";
export { QuotaCharge, QuotaScope, QuotaSpend, QuotaWindow } from "./quota-spend.ts";
export { GoalAnswer, HumanAnswer } from "./human-answer.ts";
export { OutputReview, ReviewDecision, ReviewMark } from "./output-review.ts";
export { ActionEntry, EffectEntry } from "./ledger-entries.ts";
export { JournalAttempt, JournalEntry, RecordedRun } from "./run-journal.ts";
export { GoalTimer } from "./goal-timer.ts";
export { StepEvent, ValidationIssue } from "./step-event.ts";
export { saidByItsService } from "./event-publishers.ts";
export { DEFAULT_PREFIX, PLANNER_STEP, PREFIX_PATTERN, REJECTED_TOKEN, wireNames } from "./names.ts";
export { WIRE_SCHEMAS } from "./wire-schemas.ts";
export {
  addressParameters,
  PARTIES,
  SUBJECT_CHANNELS,
  SUBJECT_FILTERS,
  SUBJECT_PARAMETERS,
  subjectAddress,
} from "./subject-catalog.ts";
export type {
  ChannelId,
  Party,
  ReplyDescription,
  SubjectChannel,
  SubjectFilter,
  SubjectKey,
  SubjectParameter,
  WireSchemaName,
} from "./subject-catalog.ts";
export type { PrincipalKind, WireNames } from "./names.ts";
export type { StepEventType } from "./step-event.ts";
export { PublishedTemplates } from "./published-templates.ts";
