/** The default subject prefix: subjects start with `sy.`, streams with `SY_`, buckets with `sy_`. */
export const DEFAULT_PREFIX = "sy";

/** A valid prefix: it becomes a subject token, part of stream names and part of KV bucket names. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** Reserved event-subject token for rejected messages (`<prefix>.events._rejected.<source>`). */
export const REJECTED_TOKEN = "_rejected";

/**
 * How the coordinator's LLM planner appears in step events: its `model.call` events name this agent and subtask,
 * which no plan's subtask is (readers show them as the goal's planning, not as a subtask).
 */
export const PLANNER_STEP = { agent: "planner", subtaskId: "plan" } as const;

/** Who may cancel a goal: a backend of its tenant, or a person (approver). */
export type PrincipalKind = "tenant" | "person";

/**
 * Every subject, stream, consumer and bucket name for one prefix (DESIGN.md §4, §4a).
 * `wireNames()` gives the defaults: `sy.goals.submit.<tenant>`, `SY_GOALS`, `sy_goals`, …
 *
 * Where NATS cannot stamp the sender on a message, the sender's identity is a subject token that the server's
 * permissions pin to one identity (the tenant of a submit, the agent of a result, the person of a decision), and
 * the receiver reads it from the subject.
 */
export function wireNames(prefix: string = DEFAULT_PREFIX) {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid prefix "${prefix}": must match ${String(PREFIX_PATTERN)}`);
  }
  const upper = prefix.toUpperCase();
  const p = prefix;
  return {
    prefix,
    subjects: {
      /** A backend of `<tenant>` submits a goal (stream `SY_GOALS`). */
      goalSubmit: (tenant: string) => `${p}.goals.submit.${tenant}`,
      goalSubmitAll: `${p}.goals.submit.*`,
      /** A backend of `<tenant>` submits a goal and blocks for its result (core request-reply). */
      goalRequest: (tenant: string) => `${p}.goals.request.${tenant}`,
      goalRequestAll: `${p}.goals.request.*`,
      /** A backend (its own tenant's goals) or a person cancels a goal (core request-reply). */
      goalCancel: (kind: PrincipalKind, id: string) => `${p}.goals.cancel.${kind}.${id}`,
      goalCancelAll: `${p}.goals.cancel.*.*`,
      /** A person answers a goal paused on `needs_input` (stream `SY_GOALS`). */
      goalAnswer: (person: string) => `${p}.goals.answer.${person}`,
      goalAnswerAll: `${p}.goals.answer.*`,
      /** A person accepts, edits or rejects an output held for review (stream `SY_GOALS`). */
      goalReview: (person: string) => `${p}.goals.review.${person}`,
      goalReviewAll: `${p}.goals.review.*`,
      /** The coordinator's durable timers (stream `SY_GOALS`); only the coordinator publishes here. */
      goalTimer: `${p}.goals.timer`,
      /** Subtasks for one agent (stream `SY_TASKS`). */
      task: (agent: string) => `${p}.tasks.${agent}`,
      tasksAll: `${p}.tasks.*`,
      /** Results published by one agent (stream `SY_RESULTS`). */
      results: (agent: string) => `${p}.results.${agent}`,
      resultsAll: `${p}.results.*`,
      /** A step event of a goal, published by `<source>` (`coordinator`, `executor`, `agent-<name>`). */
      events: (tenant: string, goalId: string, source: string) => `${p}.events.${tenant}.${goalId}.${source}`,
      /** Every event of one goal (a filter). */
      goalEvents: (goalId: string) => `${p}.events.*.${goalId}.*`,
      /** Every event of one tenant's goals (a filter). */
      tenantEvents: (tenant: string) => `${p}.events.${tenant}.>`,
      /** A message that `<source>` rejected (bad input, unauthorized sender). */
      rejected: (source: string) => `${p}.events.${REJECTED_TOKEN}.${source}`,
      rejectedAll: `${p}.events.${REJECTED_TOKEN}.*`,
      eventsAll: `${p}.events.>`,
      /** A goal's result (interim on a pause, final at the end). */
      goalDone: (tenant: string, goalId: string) => `${p}.goal.done.${tenant}.${goalId}`,
      /** The results of one goal, whatever its tenant (a filter). */
      goalDoneOf: (goalId: string) => `${p}.goal.done.*.${goalId}`,
      /** The results of one tenant's goals (a filter). */
      tenantDone: (tenant: string) => `${p}.goal.done.${tenant}.*`,
      goalDoneAll: `${p}.goal.done.>`,
      /** Action proposals published by one agent (stream `SY_PROPOSALS`). */
      proposals: (agent: string) => `${p}.proposals.${agent}`,
      proposalsAll: `${p}.proposals.*`,
      /** A person's decision on a proposal (stream `SY_PROPOSALS`). */
      approvalDecide: (person: string) => `${p}.approvals.decide.${person}`,
      approvalDecideAll: `${p}.approvals.decide.*`,
      /** Approved actions for the executor; only the coordinator (the approval authority) publishes here. */
      actionExecute: `${p}.actions.execute`,
      /** What the executor did; only the executor publishes here. */
      actionOutcome: `${p}.actions.outcome`,
      /** The coordinator tells agents to stop a goal's runs (core NATS; the flag in KV is the durable copy). */
      cancel: (goalId: string) => `${p}.control.cancel.${goalId}`,
      cancelAll: `${p}.control.cancel.*`,
      /** An agent's card, as a micro-service endpoint. */
      agentCard: (agent: string) => `${p}.agents.${agent}.card`,
      /** An agent's micro-service endpoint that reports the subtasks it handled in `$SRV.STATS` (see work-stats). */
      agentSubtasks: (agent: string) => `${p}.agents.${agent}.subtasks`,
      /** The executor's micro service endpoint listing the actions it runs (a request; read-only). */
      executorActions: `${p}.executor.actions`,
      /** The executor's micro-service endpoint that reports the actions it ran in `$SRV.STATS` (see work-stats). */
      executorExecutions: `${p}.executor.executions`,
    },
    streams: {
      goals: `${upper}_GOALS`,
      tasks: `${upper}_TASKS`,
      results: `${upper}_RESULTS`,
      events: `${upper}_EVENTS`,
      proposals: `${upper}_PROPOSALS`,
    },
    consumers: {
      coordinatorGoals: "coordinator",
      coordinatorResults: "coordinator-results",
      coordinatorAnswers: "coordinator-answers",
      coordinatorReviews: "coordinator-reviews",
      coordinatorTimers: "coordinator-timers",
      coordinatorProposals: "coordinator-proposals",
      coordinatorDecisions: "coordinator-decisions",
      coordinatorOutcomes: "coordinator-outcomes",
      executor: "executor",
      agent: (agent: string) => `agent-${agent}`,
    },
    /** The subject token a service puts on the events it publishes (`<prefix>.events.<tenant>.<goalId>.<source>`). */
    sources: {
      coordinator: "coordinator",
      executor: "executor",
      agent: (agent: string) => `agent-${agent}`,
    },
    buckets: {
      goals: `${p}_goals`,
      effects: `${p}_effects`,
      approvals: `${p}_approvals`,
      cache: `${p}_cache`,
      quotas: `${p}_quotas`,
    },
    keys: {
      // In the goals bucket (written by the coordinator only).
      goal: (goalId: string) => `goal.${goalId}`,
      /** Hash of the tenant and the key: a key is the tenant's own, and may hold characters a KV key may not. */
      idempotency: (keyHash: string) => `idem.${keyHash}`,
      cancel: (goalId: string) => `cancel.${goalId}`,
      /** The template plans the coordinator offers (PublishedTemplates). */
      templates: "catalog.templates",
      // In the approvals bucket (written by the coordinator, the approval authority, only).
      proposal: (proposalId: string) => `proposal.${proposalId}`,
      /** The approval policy in force: the executor refuses auto-approvals given under an older version. */
      approvalPolicy: "policy.current",
      /** Auto-approved amounts so far, per tool and scope (`goal`, `key`, `user`, `tenant`) and window. */
      autoApproved: (tool: string, scope: string, keyHash: string, windowStartSec: number) =>
        `auto.${tool}.${scope}.${keyHash}.${windowStartSec}`,
      // In the effects bucket: an agent's keys all start with `agent.<name>.`, so permissions give each agent its own.
      agentLedger: (agent: string) => `agent.${agent}`,
      /** Per attempt: a subtask sent again after an answer is a new run (its effects keep their own keys). */
      subtaskResult: (agent: string, goalId: string, subtaskId: string, attempt: number) =>
        `agent.${agent}.run.${goalId}.${subtaskId}.${attempt}`,
      /** An effect's idempotency key: the same call (tool + canonical args) of the same subtask has the same key. */
      effect: (agent: string, goalId: string, subtaskId: string, tool: string, argsHash: string) =>
        `agent.${agent}.effect.${goalId}.${subtaskId}.${tool}.${argsHash}`,
      /** Which journal an attempt of a subtask writes: the one it resumes, or its own (`{ root }`, the first attempt). */
      journalAttempt: (agent: string, goalId: string, subtaskId: string, attempt: number) =>
        `agent.${agent}.journal.${goalId}.${subtaskId}.attempt.${attempt}`,
      /** Entry `n` of the run journal started by attempt `root`: a model response or a read tool's result. */
      journalEntry: (agent: string, goalId: string, subtaskId: string, root: number, n: number) =>
        `agent.${agent}.journal.${goalId}.${subtaskId}.${root}.${n}`,
      /** The executor's ledger entry of an approved action. */
      action: (proposalId: string) => `action.${proposalId}`,
      actionsAll: "action",
      // In the quotas bucket: a scope's spend in one fixed window, keyed by a hash (names may hold any character).
      spend: (scope: "tenant" | "user", keyHash: string, window: string, windowStartSec: number) =>
        `spend.${scope}.${keyHash}.${window}.${windowStartSec}`,
      spent: (goalId: string) => `spent.${goalId}`,
    },
    headers: {
      tenant: "sy-tenant",
      user: "sy-user",
      traceparent: "traceparent",
      tracestate: "tracestate",
    },
    /**
     * NATS micro service names (`$SRV.*.<name>`, `nats micro stats <name>`): one deployment's services apart from
     * another's on a shared server. A prefix has no `-`, so the first `-` ends it.
     */
    services: {
      agent: (agent: string) => `${p}-${agent}`,
      executor: `${p}-executor`,
    },
    /** The micro-service metadata key that carries an agent's card as JSON. */
    cardMetadataKey: "sy_card",
  } as const;
}
/** All names for one prefix. */
export type WireNames = ReturnType<typeof wireNames>;
