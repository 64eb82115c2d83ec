// The subject catalog says who publishes and who consumes each subject (and the AsyncAPI document repeats it); the
// server's permissions decide it. They must agree: every listed publisher may publish there and no other identity
// may, every listed consumer may read it (a subscription or a JetStream consumer on it) and no other identity may.
import {
  SUBJECT_CHANNELS,
  subjectAddress,
  wireNames,
  type ChannelId,
  type Party,
  type SubjectChannel,
} from "@switchyard/contracts";
import { identity, permissionsFor, type Identity } from "@switchyard/infra";
import { describe, expect, it } from "vitest";

const names = wireNames();
const channels = Object.entries(SUBJECT_CHANNELS) as [ChannelId, SubjectChannel][];
/** Every party but `admin`, who may do anything. */
const PARTIES = ["coordinator", "executor", "agent", "backend", "person", "operator"] as const;
type Checked = (typeof PARTIES)[number];

const IDENTITIES: Record<Checked, Identity> = {
  coordinator: identity("coordinator"),
  executor: identity("executor"),
  agent: identity("agent", "keywords"),
  backend: identity("backend", "acme"),
  person: identity("approver", "rita"),
  operator: identity("operator"),
};
const SOURCES: Partial<Record<Party, string>> = {
  coordinator: "coordinator",
  executor: "executor",
  agent: "agent-keywords",
};

/** The subject a party would use: the parameters are its own tenant, agent, person and source token. */
function concreteSubject(channel: SubjectChannel, party: Checked): string {
  const values: Record<string, string> = {
    tenant: "acme",
    agent: "keywords",
    person: "rita",
    goalId: "g-1",
    source: SOURCES[party] ?? "coordinator",
  };
  return subjectAddress(channel, names).replace(/\{([A-Za-z]+)\}/g, (_, p: string) => values[p] ?? p);
}

/** NATS wildcard matching: `*` is one token, `>` one or more trailing tokens. */
function natsMatch(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length || (p[i] !== "*" && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

function mayPublish(party: Checked, subject: string): boolean {
  return permissionsFor(IDENTITIES[party], [names]).publish.some((p) => natsMatch(p, subject));
}

/** A subscription on it, or (for a stored subject) a JetStream consumer whose filter matches it. */
function mayRead(party: Checked, channel: SubjectChannel, subject: string): boolean {
  const { publish, subscribe } = permissionsFor(IDENTITIES[party], [names]);
  if (subscribe.some((s) => natsMatch(s, subject))) return true;
  if (typeof channel.delivery !== "object") return false;
  const create = `$JS.API.CONSUMER.CREATE.${names.streams[channel.delivery.stream]}.`;
  return publish
    .filter((p) => p.startsWith(create))
    .map((p) => p.slice(create.length).split(".").slice(1).join(".")) // after the consumer name: its filter
    .some((filter) => filter !== "" && natsMatch(filter, subject));
}

describe("the subject catalog agrees with the server's permissions", () => {
  it.each(channels)("%s: its publishers, and only they, may publish", (_id, channel) => {
    for (const party of PARTIES) {
      const subject = concreteSubject(channel, party);
      expect(mayPublish(party, subject), `${party} on ${subject}`).toBe(channel.publishers.includes(party));
    }
  });

  it.each(channels)("%s: its consumers, and only they, may read it", (_id, channel) => {
    for (const party of PARTIES) {
      const subject = concreteSubject(channel, party);
      expect(mayRead(party, channel, subject), `${party} on ${subject}`).toBe(channel.consumers.includes(party));
    }
  });
});
