// The gateways' permissions: a tenant's A2A gateway and its NATS agent-protocol bridge act as its backend plus what
// their protocol needs, and nothing of another tenant's.
import { describe, expect, it } from "vitest";
import { identity } from "./identities.ts";
import { permissionsFor } from "./permissions.ts";
import {
  acme,
  allows,
  buckets,
  canPub,
  canSub,
  coordinator,
  everyone,
  executor,
  keys,
  keywords,
  names,
  operator,
  rita,
  streams,
  subjects,
} from "./permission-checks.test-helpers.ts";

describe("permissionsFor: a2a gateway", () => {
  const gateway = identity("a2a", "acme");

  it("acts as its tenant's backend, answers goals in its own name only, and reads goal records and templates", () => {
    const allowed = [
      subjects.goalSubmit("acme"),
      subjects.goalCancel("tenant", "acme"),
      subjects.goalAnswer("a2a-acme"),
      `$JS.API.DIRECT.GET.KV_${buckets.goals}.$KV.${buckets.goals}.${keys.goal("g1")}`,
      `$JS.API.DIRECT.GET.KV_${buckets.goals}.$KV.${buckets.goals}.${keys.templates}`,
      `$JS.API.CONSUMER.CREATE.${streams.events}.read_x.${subjects.events("acme", "g1", "*")}`,
      "$SRV.INFO",
    ];
    for (const subject of allowed) expect(canPub(gateway, subject), subject).toBe(true);
    expect(canSub(gateway, subjects.goalDone("acme", "g1"))).toBe(true);
    const forbidden = [
      subjects.goalSubmit("globex"),
      subjects.goalCancel("tenant", "globex"),
      subjects.goalCancel("person", "a2a-acme"),
      subjects.goalAnswer("rita"),
      subjects.approvalDecide("a2a-acme"),
      subjects.goalReview("a2a-acme"),
      `$KV.${buckets.goals}.${keys.goal("g1")}`,
      `$JS.API.DIRECT.GET.KV_${buckets.goals}.$KV.${buckets.goals}.${keys.cancel("g1")}`,
      `$JS.API.DIRECT.GET.KV_${buckets.approvals}.$KV.${buckets.approvals}.${keys.proposal("0".repeat(32))}`,
      `$JS.API.CONSUMER.CREATE.${streams.events}.read_x.${subjects.tenantEvents("globex")}`,
    ];
    for (const subject of forbidden) expect(canPub(gateway, subject), subject).toBe(false);
    expect(canSub(gateway, subjects.goalDone("globex", "g1"))).toBe(false);
  });

  it("gets answers from the coordinator and the agents in its own inbox", () => {
    const all = [...everyone, gateway];
    expect(allows(permissionsFor(coordinator, [names], all).publish, "_INBOX_a2a-acme.abc")).toBe(true);
    expect(allows(permissionsFor(keywords, [names], all).publish, "_INBOX_a2a-acme.abc")).toBe(true);
    expect(allows(permissionsFor(gateway, [names], all).publish, "_INBOX_backend-acme.abc")).toBe(false);
  });
});

describe("permissionsFor: agent-protocol bridge", () => {
  const bridge = identity("bridge", "acme");
  const prompt = "agents.prompt.switchyard.acme.sy";
  const queryReply = "_INBOX.agents.switchyard.acme.sy.q1";

  it("acts as its tenant's backend, answers goals in its own name, and serves the protocol as switchyard/acme/sy", () => {
    const allowed = [subjects.goalSubmit("acme"), subjects.goalAnswer("bridge-acme"), "agents.hb.switchyard.acme.sy"];
    for (const subject of allowed) expect(canPub(bridge, subject), subject).toBe(true);
    for (const subject of [prompt, "agents.status.switchyard.acme.sy", queryReply, "$SRV.INFO.agents"])
      expect(canSub(bridge, subject), subject).toBe(true);
    const forbidden = [
      subjects.goalSubmit("globex"),
      subjects.goalAnswer("rita"),
      subjects.approvalDecide("bridge-acme"),
      "agents.hb.switchyard.globex.sy",
      "agents.hb.echo.acme.sy",
    ];
    for (const subject of forbidden) expect(canPub(bridge, subject), subject).toBe(false);
    expect(canSub(bridge, "agents.prompt.switchyard.globex.sy")).toBe(false);
    expect(canSub(bridge, "_INBOX.agents.switchyard.globex.sy.q1")).toBe(false);
  });

  it("is prompted by its own tenant's backends only, and answers them in their inboxes", () => {
    const globex = identity("backend", "globex");
    const all = [...everyone, globex, bridge];
    for (const subject of [prompt, queryReply, "$SRV.INFO.agents"]) expect(canPub(acme, subject), subject).toBe(true);
    expect(canSub(acme, "agents.hb.switchyard.acme.sy")).toBe(true);
    for (const subject of [prompt, queryReply]) expect(canPub(globex, subject), subject).toBe(false);
    const answers = permissionsFor(bridge, [names], all).publish;
    expect(allows(answers, "_INBOX_backend-acme.abc")).toBe(true);
    expect(allows(answers, "_INBOX_backend-globex.abc")).toBe(false);
    expect(allows(answers, "_INBOX_agent-keywords.abc")).toBe(false);
  });

  it("lets an agent prompt only protocol agents named like itself, and no agent prompt a bridge", () => {
    expect(canPub(keywords, "agents.prompt.keywords.ops.main")).toBe(true);
    expect(canPub(keywords, "$SRV.INFO.agents")).toBe(true);
    expect(canPub(keywords, "agents.prompt.echo.ops.main")).toBe(false);
    expect(canPub(keywords, prompt)).toBe(false);
    expect(canPub(identity("agent", "switchyard"), prompt)).toBe(false);
    for (const id of [executor, operator, rita, coordinator]) expect(canPub(id, prompt), id.name).toBe(false);
  });
});
