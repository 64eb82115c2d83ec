// The fixed names of the Synadia Agent Protocol for NATS, version 0.3: one micro service name, one queue group, the
// verb-first subjects `agents.<verb>.<agent>.<owner>.<name>`, and the error headers.

/** The protocol version this package speaks (`metadata.protocol_version`, MAJOR.MINOR). */
export const PROTOCOL_VERSION = "0.3";

/** The micro service name every protocol agent registers under (§3.1): the discovery filter. */
export const PROTOCOL_SERVICE = "agents";

/** The queue group of the `prompt` and `status` endpoints (§3.3, §8.7). */
export const PROTOCOL_QUEUE_GROUP = "agents";

/** Endpoint names the protocol fixes (§2): callers find an endpoint by name and take its subject from discovery. */
export const ENDPOINT = { prompt: "prompt", status: "status" } as const;

/** The headers of an error response (§9.1), as the micro service framework's `respondError` sets them. */
export const ERROR_HEADERS = { code: "Nats-Service-Error-Code", description: "Nats-Service-Error" } as const;

/** The status codes an agent may answer with (§9.2). */
export type ProtocolErrorCode = 400 | 401 | 403 | 404 | 409 | 429 | 500;

/** Who an agent instance is on the protocol: harness, owner and instance name (the 3rd–5th subject tokens). */
export type AgentAddress = { agent: string; owner: string; name: string };

/** The subjects of one agent instance at their default places (§2, §8.1). */
export type AgentSubjects = { prompt: string; status: string; heartbeat: string };

const FORBIDDEN = /[.*>\s\0]/;

/** Throws naming the token when it cannot be a subject token (§2.2: no `.`, `*`, `>`, whitespace, NUL or leading `$`). */
export function assertSubjectToken(token: string, role: keyof AgentAddress): void {
  if (token === "" || token.startsWith("$") || FORBIDDEN.test(token)) {
    throw new Error(
      `${role} "${token}" is not a valid subject token: it must be non-empty, not start with "$", and hold no ".", ` +
        '"*", ">", whitespace or NUL',
    );
  }
}

/** The default subjects of an agent instance; throws when a token is not a valid subject token. */
export function agentSubjects(address: AgentAddress): AgentSubjects {
  for (const role of ["agent", "owner", "name"] as const) assertSubjectToken(address[role], role);
  const tail = `${address.agent}.${address.owner}.${address.name}`;
  return { prompt: `agents.prompt.${tail}`, status: `agents.status.${tail}`, heartbeat: `agents.hb.${tail}` };
}
