import { wireNames } from "@switchyard/contracts";
import { describe, expect, it } from "vitest";
import { identity, inboxPrefixOf, parseIdentity, ROLES, type Identity } from "./identities.ts";
import {
  acme,
  admin,
  allows,
  buckets,
  canPub,
  canSub,
  coordinator,
  everyone,
  executor,
  keys,
  keywords,
  matches,
  names,
  operator,
  perms,
  rita,
  streams,
  subjects,
} from "./permission-checks.test-helpers.ts";
import { permissionsFor } from "./permissions.ts";

describe("subject matching helper", () => {
  it("matches like nats-server", () => {
    expect(matches("a.*.c", "a.b.c")).toBe(true);
    expect(matches("a.*", "a.b.c")).toBe(false);
    expect(matches("a.>", "a.b.c")).toBe(true);
    expect(matches("a.>", "a")).toBe(false);
    expect(matches(">", "x.y")).toBe(true);
  });
});

describe("permissionsFor: agent", () => {
  const { publish, subscribe } = perms(keywords);

  it("publishes its own results, proposals and events", () => {
    expect(publish).toContain(subjects.results("keywords"));
    expect(publish).toContain(subjects.proposals("keywords"));
    expect(canPub(keywords, subjects.events("acme", "g1", "agent-keywords"))).toBe(true);
    expect(canPub(keywords, subjects.rejected("agent-keywords"))).toBe(true);
  });

  it("cannot publish as another agent or as the coordinator, executor, backend or approver", () => {
    const forbidden = [
      subjects.results("refunds"),
      subjects.proposals("refunds"),
      subjects.events("acme", "g1", "agent-refunds"),
      subjects.events("acme", "g1", "coordinator"),
      subjects.rejected("coordinator"),
      subjects.approvalDecide("rita"),
      subjects.approvalDecide("keywords"),
      subjects.actionExecute,
      subjects.actionOutcome,
      subjects.goalTimer,
      subjects.goalSubmit("acme"),
      subjects.goalRequest("acme"),
      subjects.goalCancel("tenant", "acme"),
      subjects.goalAnswer("rita"),
      subjects.goalDone("acme", "g1"),
      subjects.task("keywords"),
      subjects.task("refunds"),
      subjects.cancel("g1"),
      `$KV.${buckets.approvals}.${keys.proposal("0".repeat(32))}`,
      `$KV.${buckets.approvals}.${keys.approvalPolicy}`,
      `$KV.${buckets.goals}.${keys.goal("g1")}`,
      `$KV.${buckets.goals}.${keys.cancel("g1")}`,
    ];
    for (const subject of forbidden) expect(canPub(keywords, subject), subject).toBe(false);
    expect(publish.some((p) => p.startsWith(`$KV.${buckets.approvals}.`))).toBe(false);
  });

  it("consumes only its own task consumer, with the filter pinned to its own tasks", () => {
    expect(
      canPub(keywords, `$JS.API.CONSUMER.CREATE.${streams.tasks}.agent-keywords.${subjects.task("keywords")}`),
    ).toBe(true);
    expect(canPub(keywords, `$JS.API.CONSUMER.MSG.NEXT.${streams.tasks}.agent-keywords`)).toBe(true);
    expect(canPub(keywords, `$JS.ACK.${streams.tasks}.agent-keywords.1.2.3.4.5.6`)).toBe(true);

    expect(canPub(keywords, `$JS.API.CONSUMER.CREATE.${streams.tasks}.agent-refunds.${subjects.task("refunds")}`)).toBe(
      false,
    );
    expect(
      canPub(keywords, `$JS.API.CONSUMER.CREATE.${streams.tasks}.agent-keywords.${subjects.task("refunds")}`),
    ).toBe(false);
    expect(canPub(keywords, `$JS.API.CONSUMER.CREATE.${streams.tasks}.agent-keywords.${subjects.tasksAll}`)).toBe(
      false,
    );
    expect(canPub(keywords, `$JS.API.CONSUMER.CREATE.${streams.tasks}.agent-keywords`)).toBe(false);
    expect(canPub(keywords, `$JS.API.CONSUMER.MSG.NEXT.${streams.tasks}.agent-refunds`)).toBe(false);
    expect(canPub(keywords, `$JS.ACK.${streams.tasks}.agent-refunds.1.2.3.4.5.6`)).toBe(false);
    for (const stream of [streams.goals, streams.results, streams.proposals, streams.events]) {
      expect(
        publish.some((p) => p.includes(`.${stream}.`) || p.endsWith(`.${stream}`)),
        stream,
      ).toBe(false);
    }
  });

  it("reads and writes only its own ledger keys (agent.<self>.>) of the effects bucket", () => {
    const own = `${keys.agentLedger("keywords")}.effect.g1.s1.tool.h`;
    const other = `${keys.agentLedger("refunds")}.effect.g1.s1.tool.h`;
    const effectsGet = (key: string) => `$JS.API.DIRECT.GET.KV_${buckets.effects}.$KV.${buckets.effects}.${key}`;
    expect(publish).toContain(`$KV.${buckets.effects}.agent.keywords.>`);
    expect(canPub(keywords, `$KV.${buckets.effects}.${own}`)).toBe(true);
    expect(canPub(keywords, effectsGet(own))).toBe(true);

    expect(canPub(keywords, `$KV.${buckets.effects}.${other}`)).toBe(false);
    expect(canPub(keywords, effectsGet(other))).toBe(false);
    expect(canPub(keywords, `$KV.${buckets.effects}.${keys.action("0".repeat(32))}`)).toBe(false);
    // A name that starts like its own is another agent's token, not its key space.
    expect(canPub(keywords, `$KV.${buckets.effects}.agent.keywords-two.effect.g1`)).toBe(false);
    // Its KV writes are all pinned to its own keys: of the effects bucket, and of the cache bucket (response cache).
    const kvWrites = publish.filter((p) => p.startsWith("$KV."));
    expect(kvWrites).toEqual([`$KV.${buckets.effects}.agent.keywords.>`, `$KV.${buckets.cache}.agent.keywords.>`]);
    expect(canPub(keywords, `$KV.${buckets.cache}.agent.refunds.abc`)).toBe(false);
  });

  it("reads cancel flags but no other goal state, and subscribes to cancels and its own endpoints only", () => {
    const goalsGet = (key: string) => `$JS.API.DIRECT.GET.KV_${buckets.goals}.$KV.${buckets.goals}.${key}`;
    expect(canPub(keywords, goalsGet(keys.cancel("g1")))).toBe(true);
    expect(canPub(keywords, goalsGet(keys.goal("g1")))).toBe(false);
    expect(canSub(keywords, subjects.cancel("g1"))).toBe(true);
    expect(canSub(keywords, subjects.agentCard("keywords"))).toBe(true);
    expect(canSub(keywords, subjects.agentCard("refunds"))).toBe(false);
    expect(canSub(keywords, subjects.agentSubtasks("keywords"))).toBe(true);
    expect(canSub(keywords, subjects.agentSubtasks("refunds"))).toBe(false);
    // Its micro service answers `$SRV.*` under its prefixed name only.
    expect(canSub(keywords, `$SRV.STATS.${names.services.agent("keywords")}`)).toBe(true);
    expect(canSub(keywords, `$SRV.STATS.${names.services.agent("refunds")}`)).toBe(false);
    expect(canSub(keywords, "$SRV.STATS.keywords")).toBe(false);
    expect(canSub(keywords, subjects.task("keywords"))).toBe(false);
    expect(canSub(keywords, subjects.eventsAll)).toBe(false);
    expect(canSub(keywords, subjects.goalDone("acme", "g1"))).toBe(false);
    expect(subscribe).not.toContain(">");
  });
});

describe("permissionsFor: backend", () => {
  const { publish } = perms(acme);

  it("publishes only its own tenant's submit, request and cancel subjects", () => {
    expect(publish).toEqual(
      expect.arrayContaining([
        subjects.goalSubmit("acme"),
        subjects.goalRequest("acme"),
        subjects.goalCancel("tenant", "acme"),
      ]),
    );
    const forbidden = [
      subjects.goalSubmit("globex"),
      subjects.goalRequest("globex"),
      subjects.goalCancel("tenant", "globex"),
      subjects.goalCancel("person", "acme"),
      subjects.goalAnswer("acme"),
      subjects.goalTimer,
      subjects.approvalDecide("acme"),
      subjects.actionExecute,
      subjects.results("acme"),
      subjects.task("acme"),
      subjects.events("acme", "g1", "coordinator"),
      subjects.goalDone("acme", "g1"),
      `$KV.${buckets.goals}.${keys.goal("g1")}`,
    ];
    for (const subject of forbidden) expect(canPub(acme, subject), subject).toBe(false);
  });

  it("subscribes only to its own tenant's done results and events", () => {
    expect(canSub(acme, subjects.goalDone("acme", "g1"))).toBe(true);
    expect(canSub(acme, subjects.events("acme", "g1", "coordinator"))).toBe(true);
    expect(canSub(acme, subjects.goalDone("globex", "g1"))).toBe(false);
    expect(canSub(acme, subjects.events("globex", "g1", "coordinator"))).toBe(false);
    expect(canSub(acme, subjects.goalDoneAll)).toBe(false);
    expect(canSub(acme, subjects.eventsAll)).toBe(false);
  });

  it("reads the events stream only through consumers filtered to its own tenant", () => {
    const create = (filter: string) => `$JS.API.CONSUMER.CREATE.${streams.events}.read_x.${filter}`;
    expect(canPub(acme, create(subjects.tenantDone("acme")))).toBe(true);
    expect(canPub(acme, create(subjects.tenantEvents("acme")))).toBe(true);
    expect(canPub(acme, create(subjects.tenantDone("globex")))).toBe(false);
    expect(canPub(acme, create(subjects.tenantEvents("globex")))).toBe(false);
    expect(canPub(acme, create(subjects.eventsAll))).toBe(false);
    expect(canPub(acme, create(subjects.goalDoneAll))).toBe(false);
    // Without a filter token the server could not pin the filter.
    expect(canPub(acme, `$JS.API.CONSUMER.CREATE.${streams.events}.read_x`)).toBe(false);
    expect(canPub(acme, `$JS.API.CONSUMER.CREATE.${streams.events}`)).toBe(false);
    expect(canPub(acme, `$JS.API.STREAM.MSG.GET.${streams.events}`)).toBe(false);
    expect(canPub(acme, `$JS.API.CONSUMER.CREATE.${streams.goals}.read_x.${subjects.goalSubmit("acme")}`)).toBe(false);
    // Readers are push consumers delivering into the reader's own inbox: pulling from another tenant's reader, whose
    // name one might learn, would hand over its messages, so no one may pull from the events stream.
    expect(canPub(acme, `$JS.API.CONSUMER.MSG.NEXT.${streams.events}.read_globexReader`)).toBe(false);
  });
});

describe("permissionsFor: approver", () => {
  it("decides and answers only under its own person token", () => {
    expect(perms(rita).publish).toEqual(
      expect.arrayContaining([
        subjects.approvalDecide("rita"),
        subjects.goalAnswer("rita"),
        subjects.goalCancel("person", "rita"),
      ]),
    );
    const forbidden = [
      subjects.approvalDecide("bob"),
      subjects.approvalDecideAll,
      subjects.goalAnswer("bob"),
      subjects.goalCancel("person", "bob"),
      subjects.goalCancel("tenant", "acme"),
      subjects.goalSubmit("acme"),
      subjects.actionExecute,
      subjects.goalTimer,
      `$KV.${buckets.approvals}.${keys.proposal("0".repeat(32))}`,
    ];
    for (const subject of forbidden) expect(canPub(rita, subject), subject).toBe(false);
  });

  it("reads history: every event and result", () => {
    expect(canSub(rita, subjects.events("globex", "g1", "coordinator"))).toBe(true);
    expect(canSub(rita, subjects.goalDone("globex", "g1"))).toBe(true);
    expect(canPub(rita, `$JS.API.DIRECT.GET.KV_${buckets.approvals}.$KV.${buckets.approvals}.proposal.p`)).toBe(true);
  });
});

describe("permissionsFor: operator", () => {
  const { publish } = perms(operator);

  it("may read state, history and stream info, and discover services", () => {
    expect(canPub(operator, `$JS.API.STREAM.INFO.${streams.goals}`)).toBe(true);
    expect(canPub(operator, `$JS.API.DIRECT.GET.KV_${buckets.goals}.$KV.${buckets.goals}.${keys.goal("g1")}`)).toBe(
      true,
    );
    expect(canPub(operator, `$JS.API.STREAM.MSG.GET.${streams.events}`)).toBe(true);
    expect(canPub(operator, "$SRV.INFO")).toBe(true);
    expect(canPub(operator, `$SRV.PING.${names.services.executor}`)).toBe(true);
    expect(canSub(operator, subjects.eventsAll)).toBe(true);
    expect(canSub(operator, subjects.goalDone("acme", "g1"))).toBe(true);
  });

  it("publishes nothing that changes goals, approvals, actions or KV state", () => {
    const forbidden = [
      subjects.goalSubmit("acme"),
      subjects.goalRequest("acme"),
      subjects.goalCancel("tenant", "acme"),
      subjects.goalCancel("person", "ann"),
      subjects.goalAnswer("ann"),
      subjects.goalTimer,
      subjects.approvalDecide("ann"),
      subjects.actionExecute,
      subjects.actionOutcome,
      subjects.task("keywords"),
      subjects.results("keywords"),
      subjects.proposals("keywords"),
      subjects.cancel("g1"),
      subjects.goalDone("acme", "g1"),
      subjects.events("acme", "g1", "coordinator"),
      ...Object.values(buckets).map((b) => `$KV.${b}.x.y`),
      ...Object.values(streams).flatMap((s) => [
        `$JS.API.STREAM.CREATE.${s}`,
        `$JS.API.STREAM.UPDATE.${s}`,
        `$JS.API.STREAM.DELETE.${s}`,
        `$JS.API.STREAM.PURGE.${s}`,
        `$JS.API.STREAM.MSG.DELETE.${s}`,
      ]),
      // The coordinator's durable consumers stay out of reach.
      `$JS.API.CONSUMER.DELETE.${streams.goals}.coordinator`,
      `$JS.API.CONSUMER.MSG.NEXT.${streams.goals}.coordinator`,
      `$JS.API.CONSUMER.MSG.NEXT.${streams.tasks}.agent-keywords`,
      `$JS.ACK.${streams.tasks}.agent-keywords.1.2.3.4.5.6`,
    ];
    for (const subject of forbidden) expect(canPub(operator, subject), subject).toBe(false);
    // Every publish permission is a JetStream API call, a flow-control reply, service discovery or the executor's
    // read-only list of actions: no data subject.
    const readOnly = (p: string) => /^(\$JS\.API\.|\$JS\.FC\.|\$SRV\.)/.test(p) || p === subjects.executorActions;
    for (const p of publish) expect(readOnly(p), p).toBe(true);
    expect(publish.some((p) => p.startsWith("$KV."))).toBe(false);
  });
});

describe("permissionsFor: coordinator and executor", () => {
  it("only the coordinator publishes approved actions, timers and tasks; only the executor publishes outcomes", () => {
    for (const id of everyone) {
      const expected = id.role === "coordinator" || id.role === "admin";
      expect(canPub(id, subjects.actionExecute), id.name).toBe(expected);
      expect(canPub(id, subjects.goalTimer), id.name).toBe(expected);
      expect(canPub(id, subjects.task("keywords")), id.name).toBe(expected);
      expect(canPub(id, subjects.actionOutcome), id.name).toBe(id.role === "executor" || id.role === "admin");
    }
  });

  it("only the coordinator (and admin) writes goal and approval state", () => {
    for (const id of everyone) {
      const expected = id.role === "coordinator" || id.role === "admin";
      expect(canPub(id, `$KV.${buckets.goals}.${keys.goal("g1")}`), id.name).toBe(expected);
      expect(canPub(id, `$KV.${buckets.approvals}.${keys.proposal("0".repeat(32))}`), id.name).toBe(expected);
      expect(canPub(id, `$KV.${buckets.approvals}.${keys.approvalPolicy}`), id.name).toBe(expected);
    }
  });

  it("the coordinator lists the agents' consumers (their backlog) and may not pull from or delete them", () => {
    expect(canPub(coordinator, `$JS.API.CONSUMER.LIST.${streams.tasks}`)).toBe(true);
    expect(canPub(coordinator, `$JS.API.CONSUMER.MSG.NEXT.${streams.tasks}.agent-keywords`)).toBe(false);
    expect(canPub(coordinator, `$JS.API.CONSUMER.DELETE.${streams.tasks}.agent-keywords`)).toBe(false);
    expect(canPub(keywords, `$JS.API.CONSUMER.LIST.${streams.tasks}`)).toBe(false);
    expect(canPub(executor, `$JS.API.CONSUMER.LIST.${streams.tasks}`)).toBe(false);
  });

  it("the executor consumes only approved actions and writes only its action ledger", () => {
    expect(canPub(executor, `$JS.API.CONSUMER.CREATE.${streams.proposals}.executor.${subjects.actionExecute}`)).toBe(
      true,
    );
    expect(canPub(executor, `$JS.API.CONSUMER.CREATE.${streams.proposals}.executor.${subjects.proposalsAll}`)).toBe(
      false,
    );
    expect(canPub(executor, `$KV.${buckets.effects}.${keys.action("0".repeat(32))}`)).toBe(true);
    expect(canPub(executor, `$KV.${buckets.effects}.agent.keywords.effect.g1`)).toBe(false);
    expect(canPub(executor, subjects.approvalDecide("rita"))).toBe(false);
  });

  it("the executor serves its endpoints and `$SRV.*` under its prefixed service name", () => {
    expect(canSub(executor, subjects.executorActions)).toBe(true);
    expect(canSub(executor, subjects.executorExecutions)).toBe(true);
    expect(canSub(executor, `$SRV.STATS.${names.services.executor}`)).toBe(true);
    expect(canSub(executor, "$SRV.STATS.executor")).toBe(false);
  });
});

describe("permissionsFor: streams, inboxes and responses", () => {
  it("lets only the coordinator and admin create streams", () => {
    const all = [...Object.values(streams), ...Object.values(buckets).map((b) => `KV_${b}`)];
    for (const id of everyone) {
      const expected = id.role === "coordinator" || id.role === "admin";
      for (const stream of all)
        expect(canPub(id, `$JS.API.STREAM.CREATE.${stream}`), `${id.name} ${stream}`).toBe(expected);
    }
    // The coordinator creates only the deployment's own streams.
    expect(canPub(coordinator, "$JS.API.STREAM.CREATE.OTHER")).toBe(false);
    expect(canPub(coordinator, `$JS.API.STREAM.DELETE.${streams.goals}`)).toBe(false);
  });

  it("gives every identity its own inbox and no other's", () => {
    for (const id of everyone) {
      const { subscribe } = perms(id);
      expect(subscribe, id.name).toContain(`${inboxPrefixOf(id.name)}.>`);
      if (id.role === "admin") continue; // break-glass: subscribes to everything
      for (const other of everyone) {
        if (other.name === id.name) continue;
        expect(canSub(id, `${inboxPrefixOf(other.name)}.abc`), `${id.name} reads ${other.name}'s inbox`).toBe(false);
      }
      expect(canSub(id, "_INBOX.abc"), id.name).toBe(false);
    }
    expect(inboxPrefixOf("agent-keywords")).toBe("_INBOX_agent-keywords");
  });

  it("lets everyone ask for account info", () => {
    for (const id of everyone) expect(perms(id).publish, id.name).toContain("$JS.API.INFO");
  });

  it("never allows responses to any reply subject; responders may answer only the inboxes of who may ask them", () => {
    for (const id of everyone) expect(perms(id).allowResponses, id.name).toBe(false);
    const withAll = (id: Identity) => permissionsFor(id, [names], everyone);
    const coordinator = everyone.find((i) => i.role === "coordinator") as Identity;
    const agent = everyone.find((i) => i.role === "agent") as Identity;
    const backend = everyone.find((i) => i.role === "backend") as Identity;
    const operator = everyone.find((i) => i.role === "operator") as Identity;
    // The coordinator answers backends' goal and cancel requests, in their inboxes only.
    expect(allows(withAll(coordinator).publish, `_INBOX_${backend.name}.abc`)).toBe(true);
    expect(allows(withAll(coordinator).publish, `_INBOX_${agent.name}.abc`)).toBe(false);
    // Agents answer service discovery from the coordinator and the operator, and nobody else's made-up subject.
    expect(allows(withAll(agent).publish, "_INBOX_coordinator.abc")).toBe(true);
    expect(allows(withAll(agent).publish, `_INBOX_${operator.name}.abc`)).toBe(true);
    expect(allows(withAll(agent).publish, `_INBOX_${backend.name}.abc`)).toBe(false);
    expect(allows(withAll(agent).publish, "$JS.API.STREAM.PURGE.KV_sy_effects")).toBe(false);
    // A backend answers no one's inbox; it only replies to its bridge's mid-stream queries, on their own subjects.
    const inboxes = withAll(backend).publish.filter((p) => p.startsWith("_INBOX"));
    expect(inboxes.every((p) => p.startsWith("_INBOX.agents.switchyard."))).toBe(true);
  });

  it("admin may do anything", () => {
    expect(perms(admin).publish).toContain(">");
    expect(perms(admin).subscribe).toContain(">");
  });

  it("grants each prefix's subjects when a server hosts several deployments, with no duplicates", () => {
    const other = wireNames("t2");
    const both = permissionsFor(keywords, [names, other]);
    expect(both.publish).toContain(subjects.results("keywords"));
    expect(both.publish).toContain(other.subjects.results("keywords"));
    expect(allows(both.publish, other.subjects.results("refunds"))).toBe(false);
    expect(new Set(both.publish).size).toBe(both.publish.length);
    expect(new Set(both.subscribe).size).toBe(both.subscribe.length);
    const single = permissionsFor(keywords, [other]);
    expect(allows(single.publish, subjects.results("keywords"))).toBe(false);
  });
});

describe("identity and parseIdentity", () => {
  it("names identities by role and the thing they stand for, and parses the name back", () => {
    expect(identity("agent", "keywords")).toEqual({ role: "agent", of: "keywords", name: "agent-keywords" });
    expect(identity("backend", "Acme_1")).toEqual({ role: "backend", of: "Acme_1", name: "backend-Acme_1" });
    expect(identity("approver", "reviewer-rita")).toEqual({
      role: "approver",
      of: "reviewer-rita",
      name: "approver-reviewer-rita",
    });
    expect(identity("coordinator")).toEqual({ role: "coordinator", name: "coordinator" });
    const all = [
      ...ROLES.filter((r) => !["agent", "backend", "approver", "a2a", "bridge"].includes(r)).map((r) => identity(r)),
      identity("agent", "my-agent-2"),
      identity("backend", "acme"),
      identity("approver", "operator-ann"),
      identity("a2a", "acme"),
      identity("bridge", "acme"),
    ];
    for (const id of all) expect(parseIdentity(id.name)).toEqual(id);
  });

  it.each([
    ["dots", "a.b"],
    ["a * wildcard", "a*"],
    ["a > wildcard", "a>"],
    ["spaces", "a b"],
    ["an empty name", ""],
  ])("refuses names with %s", (_what, bad) => {
    expect(() => identity("agent", bad)).toThrow(/agent identity needs a valid name/);
    expect(() => identity("backend", bad)).toThrow(/backend identity needs a valid name/);
    expect(() => identity("approver", bad)).toThrow(/approver identity needs a valid name/);
    expect(() => parseIdentity(`agent-${bad}`)).toThrow(/invalid identity/);
    expect(() => parseIdentity(`backend-${bad}`)).toThrow(/invalid identity/);
    expect(() => parseIdentity(`approver-${bad}`)).toThrow(/invalid identity/);
  });

  it("refuses a named role without its name, upper-case agent names and unknown roles", () => {
    expect(() => identity("agent")).toThrow(/agent identity needs a valid name: "undefined"/);
    expect(() => identity("agent", "Keywords")).toThrow(/Keywords/);
    expect(() => parseIdentity("agent-Keywords")).toThrow(/invalid identity "agent-Keywords"/);
    expect(() => parseIdentity("agent")).toThrow(/invalid identity/);
    expect(() => parseIdentity("root")).toThrow(/invalid identity "root"/);
    expect(() => parseIdentity("coordinator-2")).toThrow(/invalid identity/);
    expect(() => parseIdentity("backend-_acme")).toThrow(/invalid identity/);
  });
});
