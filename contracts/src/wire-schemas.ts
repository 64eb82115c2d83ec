import { AgentCard } from "./agent-card.ts";
import { ActionProposal } from "./action-proposal.ts";
import { Budget, Usage } from "./budget.ts";
import { CancelReply, CancelRequest, GoalReply } from "./control.ts";
import { GoalAnswer } from "./human-answer.ts";
import { OutputReview } from "./output-review.ts";
import { GoalTimer } from "./goal-timer.ts";
import { ActionOutcome, ApprovalDecision, ApprovalPolicyVersion, ApprovalRecord, ApprovedAction } from "./approval.ts";
import { Goal } from "./goal.ts";
import { GoalRecord } from "./goal-record.ts";
import { PublishedTemplates } from "./published-templates.ts";
import { GoalResult } from "./goal-result.ts";
import { Plan } from "./plan.ts";
import { QuotaSpend } from "./quota-spend.ts";
import { ActionEntry, EffectEntry } from "./ledger-entries.ts";
import { RecordedRun } from "./run-journal.ts";
import { Failure, RunStatus } from "./run-status.ts";
import { StepEvent } from "./step-event.ts";
import { SubtaskEnvelope } from "./subtask-envelope.ts";
import { SubtaskResult } from "./subtask-result.ts";

/** Every schema exported as JSON Schema to `contracts/schema/<Name>.json`, for backends in other languages. */
export const WIRE_SCHEMAS = {
  Goal,
  Plan,
  SubtaskEnvelope,
  SubtaskResult,
  GoalResult,
  GoalRecord,
  PublishedTemplates,
  Budget,
  Usage,
  RunStatus,
  Failure,
  AgentCard,
  ActionProposal,
  StepEvent,
  CancelRequest,
  GoalReply,
  CancelReply,
  GoalAnswer,
  OutputReview,
  GoalTimer,
  RecordedRun,
  EffectEntry,
  ActionEntry,
  ApprovalRecord,
  ApprovalPolicyVersion,
  ApprovalDecision,
  ApprovedAction,
  ActionOutcome,
  QuotaSpend,
} as const;
