import { wireNames, type WireNames } from "./names.ts";
import type { WIRE_SCHEMAS } from "./wire-schemas.ts";

// Who publishes and who consumes each subject of `wireNames().subjects`, and what travels on it: the one source of the
// AsyncAPI document (`contracts/asyncapi.yaml`). A subject added to names.ts must be added here, as a channel or as a
// filter over channels, or this file does not compile.

type Subjects = WireNames["subjects"];
/** The name of a subject builder of `wireNames().subjects`. */
export type SubjectKey = keyof Subjects;
/** The name of a wire schema (a JSON Schema file `contracts/schema/<name>.json`). */
export type WireSchemaName = keyof typeof WIRE_SCHEMAS;

/** The parties at either end of a subject: the identity roles of a deployment (see the infra's auth permissions). */
export const PARTIES = {
  coordinator: { identity: "coordinator", description: "The coordinator (any number of replicas)." },
  executor: { identity: "executor", description: "The executor of approved destructive actions." },
  agent: { identity: "agent-<agent>", description: "A specialist agent service (any number of replicas)." },
  backend: { identity: "backend-<tenant>", description: "A tenant's backend, in any language, or `switchyard goal`." },
  person: { identity: "approver-<person>", description: "A person, through `switchyard` commands or the console." },
  operator: { identity: "operator", description: "Read-only tooling." },
  admin: { identity: "admin", description: "The break-glass identity: listed only where no other identity may." },
} as const;
export type Party = keyof typeof PARTIES;

/** Where the body of a reply is not a wire schema: what it holds. */
export type ReplyDescription = { description: string };

/** One subject a message travels on. */
export type SubjectChannel = {
  /** The `wireNames().subjects` entry that builds the subject. */
  subject: SubjectKey;
  /** Its arguments: `{name}` marks a parameter (a subject token), anything else is literal. */
  args?: readonly string[];
  summary: string;
  /** A JetStream stream stores it (`stream`), or it is a core NATS request or message, not stored. */
  delivery: { stream: keyof WireNames["streams"] } | "request" | "core";
  /** The body; absent for a request whose body is ignored. */
  message?: WireSchemaName;
  /** The body of the reply, for a request. */
  reply?: WireSchemaName | ReplyDescription;
  publishers: readonly Party[];
  consumers: readonly Party[];
};

/** A subject with wildcards that subscribers and stream consumers use to read some channels at once. */
export type SubjectFilter = {
  subject: SubjectKey;
  args?: readonly string[];
  summary: string;
  /** Exactly the channels it matches. */
  of: readonly ChannelId[];
};

/** What each parameter of a subject is. */
export const SUBJECT_PARAMETERS = {
  tenant: "The tenant (`TenantId`); on subjects a backend publishes, the server pins it to the backend's identity.",
  person: "The person (`PersonId`); the server pins it to the person's identity `approver-<person>`.",
  agent: "The agent (`AgentName`); on subjects an agent publishes, the server pins it to its identity.",
  goalId: "The goal's id (`GoalId`).",
  source: "The publishing service: `coordinator`, `executor` or `agent-<agent>`, pinned to its identity.",
} as const;
export type SubjectParameter = keyof typeof SUBJECT_PARAMETERS;

/** Every channel of the bus, by id. */
export const SUBJECT_CHANNELS = {
  goalSubmit: {
    subject: "goalSubmit",
    args: ["{tenant}"],
    summary:
      "A backend submits a goal; its `tenant` must be the subject's. The coordinator also puts a goal sent as a " +
      "request here. The result comes on the goal's done subject.",
    delivery: { stream: "goals" },
    message: "Goal",
    publishers: ["backend", "coordinator"],
    consumers: ["coordinator"],
  },
  goalRequest: {
    subject: "goalRequest",
    args: ["{tenant}"],
    summary: "A backend submits a goal and blocks until it ends: the reply is its final result, or why it did not run.",
    delivery: "request",
    message: "Goal",
    reply: "GoalReply",
    publishers: ["backend"],
    consumers: ["coordinator"],
  },
  goalCancelTenant: {
    subject: "goalCancel",
    args: ["tenant", "{tenant}"],
    summary: "A backend cancels one of its tenant's goals (another tenant's goal is unknown to it).",
    delivery: "request",
    message: "CancelRequest",
    reply: "CancelReply",
    publishers: ["backend"],
    consumers: ["coordinator"],
  },
  goalCancelPerson: {
    subject: "goalCancel",
    args: ["person", "{person}"],
    summary: "A person cancels a goal.",
    delivery: "request",
    message: "CancelRequest",
    reply: "CancelReply",
    publishers: ["person"],
    consumers: ["coordinator"],
  },
  goalAnswer: {
    subject: "goalAnswer",
    args: ["{person}"],
    summary: "A person answers a goal paused on `needs_input`; it goes on from there.",
    delivery: { stream: "goals" },
    message: "GoalAnswer",
    publishers: ["person"],
    consumers: ["coordinator"],
  },
  goalReview: {
    subject: "goalReview",
    args: ["{person}"],
    summary: "A person accepts, edits or rejects a subtask output held for review (`needs_review`).",
    delivery: { stream: "goals" },
    message: "OutputReview",
    publishers: ["person"],
    consumers: ["coordinator"],
  },
  goalTimer: {
    subject: "goalTimer",
    summary: "The coordinator's durable timers: goal deadlines, retry backoffs, review expiries.",
    delivery: { stream: "goals" },
    message: "GoalTimer",
    publishers: ["coordinator"],
    consumers: ["coordinator"],
  },
  task: {
    subject: "task",
    args: ["{agent}"],
    summary: "The coordinator dispatches a subtask to an agent.",
    delivery: { stream: "tasks" },
    message: "SubtaskEnvelope",
    publishers: ["coordinator"],
    consumers: ["agent"],
  },
  results: {
    subject: "results",
    args: ["{agent}"],
    summary:
      "An agent's result of a subtask. The coordinator publishes here too, in the agent's name, when a subtask " +
      "exhausted its deliveries (it fails it).",
    delivery: { stream: "results" },
    message: "SubtaskResult",
    publishers: ["agent", "coordinator"],
    consumers: ["coordinator"],
  },
  events: {
    subject: "events",
    args: ["{tenant}", "{goalId}", "{source}"],
    summary: "Everything that happens to a goal, step by step.",
    delivery: { stream: "events" },
    message: "StepEvent",
    publishers: ["coordinator", "executor", "agent"],
    consumers: ["backend", "person", "operator"],
  },
  rejected: {
    subject: "rejected",
    args: ["{source}"],
    summary: "`message.rejected` events: a service rejected a message (bad JSON, a schema violation, a wrong sender).",
    delivery: { stream: "events" },
    message: "StepEvent",
    publishers: ["coordinator", "executor", "agent"],
    consumers: ["person", "operator"],
  },
  goalDone: {
    subject: "goalDone",
    args: ["{tenant}", "{goalId}"],
    summary:
      "A goal's result: interim each time it pauses for a person (status `needs_*`), final when it ends. Subscribe " +
      "before submitting, or read it from the events stream.",
    delivery: { stream: "events" },
    message: "GoalResult",
    publishers: ["coordinator"],
    consumers: ["backend", "person", "operator"],
  },
  proposals: {
    subject: "proposals",
    args: ["{agent}"],
    summary: "An agent proposes a write or destructive call for approval instead of running it.",
    delivery: { stream: "proposals" },
    message: "ActionProposal",
    publishers: ["agent"],
    consumers: ["coordinator"],
  },
  approvalDecide: {
    subject: "approvalDecide",
    args: ["{person}"],
    summary: "A person approves or rejects a proposal.",
    delivery: { stream: "proposals" },
    message: "ApprovalDecision",
    publishers: ["person"],
    consumers: ["coordinator"],
  },
  actionExecute: {
    subject: "actionExecute",
    summary: "The coordinator, the approval authority, hands an approved destructive action to the executor.",
    delivery: { stream: "proposals" },
    message: "ApprovedAction",
    publishers: ["coordinator"],
    consumers: ["executor"],
  },
  actionOutcome: {
    subject: "actionOutcome",
    summary: "What the executor did with an approved action; the paused goal resumes with it.",
    delivery: { stream: "proposals" },
    message: "ActionOutcome",
    publishers: ["executor"],
    consumers: ["coordinator"],
  },
  cancel: {
    subject: "cancel",
    args: ["{goalId}"],
    summary:
      "The coordinator tells the agents to stop a cancelled goal's runs (the cancel flag in KV is the durable copy).",
    delivery: "core",
    message: "CancelRequest",
    publishers: ["coordinator"],
    consumers: ["agent"],
  },
  agentCard: {
    subject: "agentCard",
    args: ["{agent}"],
    summary:
      "An agent's card, as a NATS micro-service endpoint (the request body is ignored). The coordinator reads cards " +
      "from `$SRV.INFO` metadata instead.",
    delivery: "request",
    reply: "AgentCard",
    publishers: ["admin"],
    consumers: ["agent"],
  },
  agentSubtasks: {
    subject: "agentSubtasks",
    args: ["{agent}"],
    summary: "An agent's micro-service endpoint that reports the subtasks it handled in `$SRV.STATS`.",
    delivery: "request",
    reply: {
      description:
        "The replica's counts: `{ num_requests, num_errors, last_error?, processing_time, average_processing_time }` " +
        "(times in nanoseconds).",
    },
    publishers: ["admin"],
    consumers: ["agent"],
  },
  executorActions: {
    subject: "executorActions",
    summary: "The executor's micro-service endpoint that lists the actions it runs (read-only).",
    delivery: "request",
    reply: { description: "The actions: `[{ tool, description, input? }]`, `input` a JSON Schema." },
    publishers: ["person", "operator"],
    consumers: ["executor"],
  },
  executorExecutions: {
    subject: "executorExecutions",
    summary: "The executor's micro-service endpoint that reports the actions it ran in `$SRV.STATS`.",
    delivery: "request",
    reply: {
      description:
        "The replica's counts: `{ num_requests, num_errors, last_error?, processing_time, average_processing_time }` " +
        "(times in nanoseconds).",
    },
    publishers: ["admin"],
    consumers: ["executor"],
  },
} as const satisfies Record<string, SubjectChannel>;
export type ChannelId = keyof typeof SUBJECT_CHANNELS;

/** Every filter of `wireNames().subjects`, and the channels it reads. */
export const SUBJECT_FILTERS = [
  { subject: "goalSubmitAll", summary: "Every submitted goal (the coordinator's consumer).", of: ["goalSubmit"] },
  { subject: "goalRequestAll", summary: "Every goal request (the coordinator serves them).", of: ["goalRequest"] },
  {
    subject: "goalCancelAll",
    summary: "Every cancel request (the coordinator serves them).",
    of: ["goalCancelTenant", "goalCancelPerson"],
  },
  { subject: "goalAnswerAll", summary: "Every answer (the coordinator's consumer).", of: ["goalAnswer"] },
  { subject: "goalReviewAll", summary: "Every review (the coordinator's consumer).", of: ["goalReview"] },
  { subject: "tasksAll", summary: "Every agent's subtasks (the tasks stream).", of: ["task"] },
  { subject: "resultsAll", summary: "Every agent's results (the coordinator's consumer).", of: ["results"] },
  { subject: "goalEvents", args: ["{goalId}"], summary: "Every event of one goal.", of: ["events"] },
  { subject: "tenantEvents", args: ["{tenant}"], summary: "Every event of one tenant's goals.", of: ["events"] },
  { subject: "rejectedAll", summary: "Every rejected message.", of: ["rejected"] },
  { subject: "eventsAll", summary: "Every step event, rejections included.", of: ["events", "rejected"] },
  { subject: "goalDoneOf", args: ["{goalId}"], summary: "The results of one goal.", of: ["goalDone"] },
  { subject: "tenantDone", args: ["{tenant}"], summary: "The results of one tenant's goals.", of: ["goalDone"] },
  { subject: "goalDoneAll", summary: "Every goal's results.", of: ["goalDone"] },
  { subject: "proposalsAll", summary: "Every proposal (the coordinator's consumer).", of: ["proposals"] },
  { subject: "approvalDecideAll", summary: "Every decision (the coordinator's consumer).", of: ["approvalDecide"] },
  { subject: "cancelAll", summary: "Every goal's stop signal (what each agent subscribes to).", of: ["cancel"] },
] as const satisfies readonly SubjectFilter[];

// A subject builder that is neither a channel nor a filter fails here, naming it.
type Catalogued = (typeof SUBJECT_CHANNELS)[ChannelId]["subject"] | (typeof SUBJECT_FILTERS)[number]["subject"];
type Uncatalogued = Exclude<SubjectKey, Catalogued>;
const _everySubjectIsCatalogued: [Uncatalogued] extends [never] ? true : Uncatalogued = true;

/** The subject of a channel or filter for one prefix, with `{name}` where a parameter goes: `sy.tasks.{agent}`. */
export function subjectAddress(entry: SubjectChannel | SubjectFilter, names: WireNames = wireNames()): string {
  const build: unknown = names.subjects[entry.subject];
  if (typeof build === "string") return build;
  if (typeof build !== "function") throw new Error(`wireNames().subjects.${entry.subject} is not a subject builder`);
  return (build as (...args: readonly string[]) => string)(...(entry.args ?? []));
}

/** The parameters of an address, in order: `sy.events.{tenant}.{goalId}.{source}` → tenant, goalId, source. */
export function addressParameters(address: string): string[] {
  return [...address.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1] ?? "");
}
