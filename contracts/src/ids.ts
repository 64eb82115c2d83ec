import { z } from "zod";

// Ids end up as NATS subject tokens and KV key segments, so they are restricted to characters that are safe in
// both. A leading letter or digit keeps `_`-prefixed tokens free for system use (e.g. `sy.events._rejected`).
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** A goal id: 1–128 characters of `A-Z a-z 0-9 _ -`, starting with a letter or digit. */
export const GoalId = z
  .string()
  .regex(TOKEN, "must be 1-128 characters of A-Z a-z 0-9 _ -, starting with a letter or digit");
export type GoalId = z.infer<typeof GoalId>;

/** A subtask id, unique within its goal's plan. Same alphabet as a goal id. */
export const SubtaskId = z
  .string()
  .regex(TOKEN, "must be 1-128 characters of A-Z a-z 0-9 _ -, starting with a letter or digit");
export type SubtaskId = z.infer<typeof SubtaskId>;

/** An agent name: lower-case, used in `sy.tasks.<agent>`, consumer names and the micro service name. */
export const AgentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, "must be 1-64 characters of a-z 0-9 -, starting with a letter");
export type AgentName = z.infer<typeof AgentName>;

/** An ISO-8601 timestamp with a time zone, e.g. `2026-01-31T12:00:00.000Z`. */
export const Timestamp = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof Timestamp>;

/** A W3C trace id: 32 lower-case hex characters, not all zero. */
export const TraceId = z
  .string()
  .regex(/^(?!0{32})[0-9a-f]{32}$/, "must be 32 lower-case hex characters (W3C trace id)");
export type TraceId = z.infer<typeof TraceId>;
