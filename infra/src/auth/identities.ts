import { AgentName, PersonId, TenantId } from "@switchyard/contracts";
import { z } from "zod";

/**
 * The roles of a deployment. Each process connects as one identity of one role, and the server's permissions decide
 * what that identity may publish and subscribe to (see permissions.ts).
 */
export const ROLES = [
  "coordinator",
  "executor",
  "agent",
  "backend",
  "approver",
  "operator",
  "admin",
  "a2a",
  "bridge",
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles that stand for one named thing: an agent service, a tenant's backend, a person, a tenant's A2A gateway, a
 * tenant's NATS agent-protocol bridge.
 */
const NAMED_ROLES = {
  agent: AgentName,
  backend: TenantId,
  approver: PersonId,
  a2a: TenantId,
  bridge: TenantId,
} as const;
type NamedRole = keyof typeof NAMED_ROLES;

/** One identity: a role, and for the named roles (`agent`, `backend`, `approver`, `a2a`, `bridge`) what it stands for. */
export type Identity = { role: Exclude<Role, NamedRole>; name: string } | { role: NamedRole; of: string; name: string };

/**
 * An identity's name: `coordinator`, `executor`, `operator`, `admin`, `agent-<name>`, `backend-<tenant>`,
 * `approver-<person>`, `a2a-<tenant>`, `bridge-<tenant>`.
 */
export const IdentityName = z
  .string()
  .regex(
    /^(coordinator|executor|operator|admin|agent-[a-z][a-z0-9-]{0,63}|(backend|approver|a2a|bridge)-[A-Za-z0-9][A-Za-z0-9_-]{0,63})$/,
    "must be coordinator, executor, operator, admin, agent-<agent>, backend-<tenant>, approver-<person>, a2a-<tenant> or bridge-<tenant>",
  );

const isNamedRole = (role: string): role is NamedRole => Object.hasOwn(NAMED_ROLES, role);

/** The identity of a role (and the agent, tenant or person for the named roles). */
export function identity(role: Role, of?: string): Identity {
  if (isNamedRole(role)) {
    const parsed = NAMED_ROLES[role].safeParse(of);
    if (!parsed.success) {
      throw new Error(`${role} identity needs a valid name: "${String(of)}" ${parsed.error.issues[0]?.message ?? ""}`);
    }
    return { role, of: parsed.data, name: `${role}-${parsed.data}` };
  }
  return { role, name: role };
}

/** Reads an identity back from its name (`agent-keywords` → agent `keywords`). */
export function parseIdentity(name: string): Identity {
  const parsed = IdentityName.safeParse(name);
  if (!parsed.success) throw new Error(`invalid identity "${name}": ${parsed.error.issues[0]?.message ?? ""}`);
  const dash = name.indexOf("-");
  const head = dash < 0 ? name : name.slice(0, dash);
  if (isNamedRole(head)) return identity(head, name.slice(dash + 1));
  return identity(head as Role);
}

/**
 * The inbox prefix of an identity. Replies (JetStream API answers, pulled messages, request replies) come to
 * `<prefix>.>`, which only that identity may subscribe to, so no other client can read them.
 */
export function inboxPrefixOf(name: string): string {
  return `_INBOX_${name}`;
}
