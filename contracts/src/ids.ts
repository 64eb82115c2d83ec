import { z } from "zod";
import { wireDocs } from "./wire-docs.ts";

// Ids end up as NATS subject tokens and KV key segments, so they are restricted to characters that are safe in
// both. A leading letter or digit keeps `_`-prefixed tokens free for system use (e.g. `sy.events._rejected`).
const TOKEN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const TOKEN_MESSAGE = "must be 1-128 characters of A-Z a-z 0-9 _ -, starting with a letter or digit";
// Names that also become identity names (`backend-<tenant>`, `approver-<person>`) and inbox prefixes: shorter.
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const NAME_MESSAGE = "must be 1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit";

/** A goal id: 1–128 characters of `A-Z a-z 0-9 _ -`, starting with a letter or digit. */
export const GoalId = z
  .string()
  .regex(TOKEN, TOKEN_MESSAGE)
  .register(wireDocs, {
    description:
      "A goal id, chosen by the submitter: 1-128 characters of A-Z a-z 0-9 _ -, starting with a letter or digit (it becomes a subject token).",
    examples: ["order-42-refund", "6f1c2d8e-5b7a-4c1e-9a0d-3e2f1b4c5d6e"],
  });
export type GoalId = z.infer<typeof GoalId>;

/** A subtask id, unique within its goal's plan. Same alphabet as a goal id. */
export const SubtaskId = z
  .string()
  .regex(TOKEN, TOKEN_MESSAGE)
  .register(wireDocs, {
    description: "A subtask id, unique within its goal's plan; same alphabet as a goal id.",
    examples: ["keywords", "report"],
  });
export type SubtaskId = z.infer<typeof SubtaskId>;

/** An agent name: lower-case, used in `sy.tasks.<agent>`, consumer names and (after the prefix) the micro service name. */
export const AgentName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, "must be 1-64 characters of a-z 0-9 -, starting with a letter")
  .register(wireDocs, {
    description: "An agent name: 1-64 characters of a-z 0-9 -, starting with a letter (`<prefix>.tasks.<agent>`).",
    examples: ["keywords"],
  });
export type AgentName = z.infer<typeof AgentName>;

/**
 * A tenant: the token of `sy.goals.submit.<tenant>`. NATS permissions pin each backend identity to its own tenant
 * token, so the coordinator takes a goal's tenant from the subject, never from the body alone.
 */
export const TenantId = z
  .string()
  .regex(NAME, NAME_MESSAGE)
  .register(wireDocs, {
    description:
      "A tenant: 1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit. Its backend's identity is `backend-<tenant>`.",
    examples: ["acme"],
  });
export type TenantId = z.infer<typeof TenantId>;

/** A person (approver): the token of `sy.approvals.decide.<person>`, pinned to that person's identity. */
export const PersonId = z
  .string()
  .regex(NAME, NAME_MESSAGE)
  .register(wireDocs, {
    description:
      "A person (approver): 1-64 characters of A-Z a-z 0-9 _ -, starting with a letter or digit. Their identity is `approver-<person>`.",
    examples: ["rita"],
  });
export type PersonId = z.infer<typeof PersonId>;

/** A user a goal is attributed to (quotas, costs): free text, but no control characters (it travels in headers). */
export const UserName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters (CR, LF, tab, …)")
  .register(wireDocs, {
    description: "The user a goal is attributed to (quotas, costs): 1-128 characters, no control characters.",
    examples: ["ana"],
  });
export type UserName = z.infer<typeof UserName>;

/** A proposal id: the first 32 hex characters of the SHA-256 of the call's effect key. */
export const ProposalId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, "must be 32 lower-case hex characters")
  .register(wireDocs, {
    description: "A proposal id: the first 32 hex characters of the SHA-256 of the call's effect key.",
    examples: ["3f9a1c0e5b7d4a2f8e6c1b0a9d8f7e6c"],
  });
export type ProposalId = z.infer<typeof ProposalId>;

/** An ISO-8601 timestamp with a time zone, e.g. `2026-01-31T12:00:00.000Z`. */
export const Timestamp = z.iso.datetime({ offset: true }).register(wireDocs, {
  description: "A date-time (RFC 3339) with a time zone, `Z` or an offset; fractions of a second are optional.",
  examples: ["2026-01-31T12:00:00.000Z", "2026-01-31T13:00:00+01:00"],
});
export type Timestamp = z.infer<typeof Timestamp>;

/** A W3C trace id: 32 lower-case hex characters, not all zero. */
export const TraceId = z
  .string()
  .regex(/^(?!0{32})[0-9a-f]{32}$/, "must be 32 lower-case hex characters (W3C trace id)")
  .register(wireDocs, {
    description: "A W3C trace id: 32 lower-case hex characters, not all zero.",
    examples: ["4bf92f3577b34da6a3ce929d0e0e4736"],
  });
export type TraceId = z.infer<typeof TraceId>;
