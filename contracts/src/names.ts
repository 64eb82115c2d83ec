/** The default subject prefix: subjects start with `sy.`, streams with `SY_`, buckets with `sy_`. */
export const DEFAULT_PREFIX = "sy";

/** A valid prefix: it becomes a subject token, part of stream names and part of KV bucket names. */
export const PREFIX_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

/** Reserved event-subject token for rejected messages whose goal id could not be read. */
export const REJECTED_TOKEN = "_rejected";

/**
 * Every subject, stream, consumer and bucket name for one prefix (DESIGN.md §4).
 * `wireNames()` gives the defaults: `sy.goals.submit`, `SY_GOALS`, `sy_goals`, …
 */
export function wireNames(prefix: string = DEFAULT_PREFIX) {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(`invalid prefix "${prefix}": must match ${String(PREFIX_PATTERN)}`);
  }
  const upper = prefix.toUpperCase();
  return {
    prefix,
    subjects: {
      goalSubmit: `${prefix}.goals.submit`,
      goalRequest: `${prefix}.goals.request`,
      goalAnswer: `${prefix}.goals.answer`,
      goalTimer: `${prefix}.goals.timer`,
      goalsAll: `${prefix}.goals.>`,
      task: (agent: string) => `${prefix}.tasks.${agent}`,
      tasksAll: `${prefix}.tasks.>`,
      results: `${prefix}.results`,
      events: (goalId: string) => `${prefix}.events.${goalId}`,
      eventsAll: `${prefix}.events.>`,
      goalDone: (goalId: string) => `${prefix}.goal.done.${goalId}`,
      goalDoneAll: `${prefix}.goal.done.>`,
      proposals: `${prefix}.proposals`,
      approvalDecide: `${prefix}.approvals.decide`,
      actionExecute: `${prefix}.actions.execute`,
      actionOutcome: `${prefix}.actions.outcome`,
      cancel: (goalId: string) => `${prefix}.control.cancel.${goalId}`,
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
      coordinatorTimers: "coordinator-timers",
      coordinatorProposals: "coordinator-proposals",
      coordinatorDecisions: "coordinator-decisions",
      coordinatorOutcomes: "coordinator-outcomes",
      executor: "executor",
      agent: (agent: string) => `agent-${agent}`,
    },
    buckets: {
      goals: `${prefix}_goals`,
      effects: `${prefix}_effects`,
      approvals: `${prefix}_approvals`,
      cache: `${prefix}_cache`,
      quotas: `${prefix}_quotas`,
    },
    keys: {
      goal: (goalId: string) => `goal.${goalId}`,
      idempotency: (keyHash: string) => `idem.${keyHash}`,
      cancel: (goalId: string) => `cancel.${goalId}`,
      proposal: (proposalId: string) => `proposal.${proposalId}`,
      // Per attempt: a subtask sent again after an answer is a new run (its effects keep their own keys).
      subtaskResult: (goalId: string, subtaskId: string, attempt: number) => `${goalId}/${subtaskId}/${attempt}`,
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
    /** The micro-service metadata key that carries an agent's card as JSON. */
    cardMetadataKey: "sy_card",
  } as const;
}
/** All names for one prefix. */
export type WireNames = ReturnType<typeof wireNames>;
