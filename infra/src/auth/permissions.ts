import type { WireNames } from "@switchyard/contracts";
import { inboxPrefixOf, type Identity } from "./identities.ts";

/** What one identity may publish and subscribe to (nats-server `permissions`). */
export type Permissions = {
  publish: string[];
  subscribe: string[];
  /**
   * Always `false`: `allow_responses` would let a requester pick any subject as its "reply" and have the responder
   * publish there (a purge, a KV write). Responders get explicit grants on the inboxes of the identities that may ask
   * them instead (see {@link permissionsFor}).
   */
  allowResponses: boolean;
};

type Grant = { pub?: string[]; sub?: string[] };

const API = "$JS.API";

/** A durable pull consumer the identity creates (pinned to its filter) and pulls from. */
function consume(stream: string, durable: string, filter: string): Grant {
  return {
    pub: [
      `${API}.CONSUMER.CREATE.${stream}.${durable}.${filter}`,
      `${API}.CONSUMER.INFO.${stream}.${durable}`,
      `${API}.CONSUMER.MSG.NEXT.${stream}.${durable}`,
      `$JS.ACK.${stream}.${durable}.>`,
    ],
  };
}

/** Direct gets of keys matching `keys` in a bucket (KV gets with allow_direct name the key in the subject). */
function kvRead(bucket: string, keys: string): Grant {
  return { pub: [`${API}.DIRECT.GET.KV_${bucket}.$KV.${bucket}.${keys}`] };
}

/**
 * Reads of any key of a bucket through its stream leader (a stream message request). With replicas, a direct get may
 * be answered by a follower that has not applied the latest write yet; the owner of a bucket's state reads it here.
 */
function kvLeaderRead(bucket: string): Grant {
  return { pub: [`${API}.STREAM.MSG.GET.KV_${bucket}`] };
}

/** Puts, creates, updates and deletes of keys matching `keys`. */
function kvWrite(bucket: string, keys: string): Grant {
  return { pub: [`$KV.${bucket}.${keys}`] };
}

/** Listing keys and watching a bucket: ephemeral consumers on its stream, with flow control. */
function kvWatch(bucket: string): Grant {
  const stream = `KV_${bucket}`;
  return {
    pub: [
      `${API}.CONSUMER.CREATE.${stream}`,
      `${API}.CONSUMER.CREATE.${stream}.>`,
      `${API}.CONSUMER.INFO.${stream}.*`,
      `${API}.CONSUMER.DELETE.${stream}.*`,
      `$JS.FC.${stream}.>`,
    ],
  };
}

/**
 * Reading a stream through ephemeral push consumers whose filter matches `filter`: the server checks that the filter
 * in the create subject is the consumer's own, so the permission pins what can be read, and the messages are pushed
 * to the reader's own inbox (no pull permission: pulling from a consumer hands its messages to whoever pulls).
 */
function readStream(stream: string, filter: string): Grant {
  return {
    pub: [
      `${API}.CONSUMER.CREATE.${stream}.*.${filter}`,
      `${API}.CONSUMER.INFO.${stream}.*`,
      `${API}.CONSUMER.DELETE.${stream}.*`,
    ],
  };
}

/** A NATS micro service named `name` answers `$SRV.PING|INFO|STATS` (all, by name, by id). */
function microService(name: string): Grant {
  return {
    sub: ["PING", "INFO", "STATS"].flatMap((verb) => [
      `$SRV.${verb}`,
      `$SRV.${verb}.${name}`,
      `$SRV.${verb}.${name}.*`,
    ]),
  };
}

/** Discovering micro services (`$SRV.INFO`, …): the replies come to the identity's inbox. */
const DISCOVER: Grant = { pub: ["$SRV.PING", "$SRV.INFO", "$SRV.STATS", "$SRV.*.*", "$SRV.*.*.*"] };

/**
 * The NATS agent protocol (protocol 0.3, outside the prefix: `agents.<verb>.<agent>.<owner>.<name>`): its micro
 * service name, and the subjects of a tenant's bridge — agent `switchyard`, owned by the tenant, named after the
 * deployment's prefix — with the fresh subjects its mid-stream queries take their replies on.
 */
const AGENT_PROTOCOL_SERVICE = "agents";
const BRIDGE_AGENT_TOKEN = "switchyard";
function bridgeSubjects(tenant: string, prefix: string) {
  const tail = `${BRIDGE_AGENT_TOKEN}.${tenant}.${prefix}`;
  return {
    prompt: `agents.prompt.${tail}`,
    status: `agents.status.${tail}`,
    heartbeat: `agents.hb.${tail}`,
    queryReplies: `_INBOX.agents.${tail}.*`,
  };
}

/** Read-only access to a deployment's history and state: events, results, every bucket, stream and consumer info. */
function readEverything(names: WireNames): Grant[] {
  const { streams, buckets, subjects } = names;
  return [
    ...Object.values(buckets).flatMap((b) => [kvRead(b, ">"), kvWatch(b)]),
    readStream(streams.events, ">"),
    {
      pub: [
        ...Object.values(streams).flatMap((s) => [
          `${API}.STREAM.INFO.${s}`,
          `${API}.CONSUMER.INFO.${s}.*`,
          `${API}.CONSUMER.NAMES.${s}`,
          `${API}.CONSUMER.LIST.${s}`,
        ]),
        `${API}.STREAM.MSG.GET.${streams.events}`,
        `${API}.CONSUMER.CREATE.${streams.events}.*`,
      ],
      sub: [subjects.eventsAll, subjects.goalDoneAll],
    },
    { pub: [subjects.executorActions] },
    DISCOVER,
  ];
}

/** The grants of one identity on one deployment (one prefix). */
function grantsFor(id: Identity, names: WireNames): Grant[] {
  const { subjects, streams, consumers, buckets, keys, sources } = names;
  const events = (source: string): Grant => ({
    pub: [subjects.events("*", "*", source), subjects.rejected(source)],
  });
  switch (id.role) {
    case "coordinator": {
      const topology = [...Object.values(streams), ...Object.values(buckets).map((b) => `KV_${b}`)].flatMap((s) => [
        `${API}.STREAM.CREATE.${s}`,
        `${API}.STREAM.UPDATE.${s}`,
        `${API}.STREAM.INFO.${s}`,
      ]);
      return [
        { pub: topology },
        consume(streams.goals, consumers.coordinatorGoals, subjects.goalSubmitAll),
        consume(streams.goals, consumers.coordinatorAnswers, subjects.goalAnswerAll),
        consume(streams.goals, consumers.coordinatorReviews, subjects.goalReviewAll),
        consume(streams.goals, consumers.coordinatorTimers, subjects.goalTimer),
        consume(streams.results, consumers.coordinatorResults, subjects.resultsAll),
        consume(streams.proposals, consumers.coordinatorProposals, subjects.proposalsAll),
        consume(streams.proposals, consumers.coordinatorDecisions, subjects.approvalDecideAll),
        consume(streams.proposals, consumers.coordinatorOutcomes, subjects.actionOutcome),
        {
          pub: [
            // A goal sent as a request is put in the goals stream for the requesting tenant.
            subjects.goalSubmitAll,
            subjects.tasksAll,
            // A subtask that exhausted its deliveries is failed in its agent's name, then removed from the stream.
            subjects.resultsAll,
            `${API}.STREAM.MSG.GET.${streams.tasks}`,
            `${API}.STREAM.MSG.DELETE.${streams.tasks}`,
            // The agents' backlog for its metrics (`sy_agent_backlog`): their consumers' info, read-only.
            `${API}.CONSUMER.LIST.${streams.tasks}`,
            subjects.goalTimer,
            subjects.goalDoneAll,
            subjects.actionExecute,
            subjects.cancelAll,
          ],
          sub: [
            subjects.goalRequestAll,
            subjects.goalCancelAll,
            `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${streams.tasks}.*`,
          ],
        },
        events(sources.coordinator),
        ...[buckets.goals, buckets.approvals, buckets.quotas].flatMap((b) => [
          kvRead(b, ">"),
          kvLeaderRead(b),
          kvWrite(b, ">"),
        ]),
        kvWatch(buckets.goals),
        DISCOVER,
      ];
    }
    case "executor":
      return [
        consume(streams.proposals, consumers.executor, subjects.actionExecute),
        { pub: [subjects.actionOutcome] },
        events(sources.executor),
        kvRead(buckets.effects, `${keys.actionsAll}.>`),
        kvWrite(buckets.effects, `${keys.actionsAll}.>`),
        kvRead(buckets.approvals, keys.proposal("*")),
        kvRead(buckets.approvals, keys.approvalPolicy),
        microService(names.services.executor),
        { sub: [subjects.executorActions, subjects.executorExecutions] },
      ];
    case "agent": {
      const agent = id.of;
      return [
        consume(streams.tasks, consumers.agent(agent), subjects.task(agent)),
        {
          pub: [subjects.results(agent), subjects.proposals(agent)],
          sub: [subjects.cancelAll, subjects.agentCard(agent), subjects.agentSubtasks(agent)],
        },
        events(sources.agent(agent)),
        kvRead(buckets.effects, `${keys.agentLedger(agent)}.>`),
        kvWrite(buckets.effects, `${keys.agentLedger(agent)}.>`),
        // Its response cache (opt-in), under the same key prefix in the cache bucket.
        kvRead(buckets.cache, `${keys.agentLedger(agent)}.>`),
        kvWrite(buckets.cache, `${keys.agentLedger(agent)}.>`),
        kvRead(buckets.goals, keys.cancel("*")),
        microService(names.services.agent(agent)),
        // A wrapper of protocol agents (`protocolAgent`) discovers them and prompts those whose agent token is its own
        // name; never a tenant's bridge (it would run goals as that tenant).
        agent === BRIDGE_AGENT_TOKEN
          ? {}
          : {
              pub: [
                `agents.prompt.${agent}.*.*`,
                `$SRV.INFO.${AGENT_PROTOCOL_SERVICE}`,
                `$SRV.INFO.${AGENT_PROTOCOL_SERVICE}.*`,
              ],
            },
      ];
    }
    case "backend": {
      const tenant = id.of;
      const bridge = bridgeSubjects(tenant, names.prefix);
      return [
        {
          pub: [subjects.goalSubmit(tenant), subjects.goalRequest(tenant), subjects.goalCancel("tenant", tenant)],
          sub: [subjects.tenantDone(tenant), subjects.tenantEvents(tenant)],
        },
        readStream(streams.events, subjects.tenantDone(tenant)),
        readStream(streams.events, subjects.tenantEvents(tenant)),
        // Its tenant's agent-protocol bridge: discover it, prompt it, answer its queries, hear its heartbeat.
        {
          pub: [
            bridge.prompt,
            bridge.status,
            bridge.queryReplies,
            `$SRV.PING.${AGENT_PROTOCOL_SERVICE}`,
            `$SRV.INFO.${AGENT_PROTOCOL_SERVICE}`,
            `$SRV.INFO.${AGENT_PROTOCOL_SERVICE}.*`,
          ],
          sub: [bridge.heartbeat],
        },
      ];
    }
    case "bridge": {
      // A tenant's NATS agent-protocol bridge: that tenant's backend, plus answers in its own name (a caller's reply
      // to a query) and the protocol's side of it — its prompt and status endpoints, its heartbeat, the replies to its
      // queries — as the micro service `agents`.
      const bridge = bridgeSubjects(id.of, names.prefix);
      return [
        ...grantsFor({ ...id, role: "backend" }, names),
        {
          pub: [subjects.goalAnswer(id.name), bridge.heartbeat],
          sub: [bridge.prompt, bridge.status, bridge.queryReplies],
        },
        microService(AGENT_PROTOCOL_SERVICE),
      ];
    }
    case "a2a":
      // A tenant's A2A gateway: that tenant's backend, plus what an A2A task needs — answers in its own name, goal
      // records (a task's state: the gateway shows only its tenant's), and the templates and agent cards its agent
      // card lists.
      return [
        ...grantsFor({ ...id, role: "backend" }, names),
        { pub: [subjects.goalAnswer(id.name)] },
        kvRead(buckets.goals, keys.goal("*")),
        kvRead(buckets.goals, keys.templates),
        DISCOVER,
      ];
    case "approver": {
      const person = id.of;
      return [
        {
          pub: [
            subjects.approvalDecide(person),
            subjects.goalAnswer(person),
            subjects.goalReview(person),
            subjects.goalCancel("person", person),
          ],
        },
        ...readEverything(names),
      ];
    }
    case "operator":
      return readEverything(names);
    case "admin":
      return [{ pub: [">"], sub: [">"] }];
  }
}

/**
 * The inboxes an identity may answer requests on, by name (no `allow_responses`): the coordinator answers goal and
 * cancel requests of backends, people and A2A gateways; agents and the executor answer service discovery (`$SRV`)
 * and the executor's action list for the coordinator, the operator, people, A2A gateways and the admin.
 */
function replyInboxes(id: Identity, everyone: readonly Identity[]): string[] {
  const askers = (roles: readonly string[]) =>
    everyone.filter((e) => roles.includes(e.role)).map((e) => `${inboxPrefixOf(e.name)}.>`);
  if (id.role === "coordinator") return askers(["backend", "approver", "a2a", "admin"]);
  if (id.role === "agent" || id.role === "executor")
    return askers(["coordinator", "operator", "approver", "a2a", "admin"]);
  // A bridge answers service discovery like an agent, and prompts of its own tenant's backends.
  if (id.role === "bridge") {
    const callers = everyone.filter((e) => e.role === "backend" && e.of === id.of);
    return [
      ...askers(["coordinator", "operator", "approver", "a2a", "admin"]),
      ...callers.map((e) => `${inboxPrefixOf(e.name)}.>`),
    ];
  }
  return [];
}

/**
 * The least-privilege permissions of an identity on the deployments named by `names` (one per prefix; a server
 * may host several). Everyone may ask JetStream for account info and read its own inbox; the rest is by role:
 *
 * - coordinator: sets up the topology; consumes goals, answers, timers, results, proposals, decisions and outcomes;
 *   dispatches tasks; answers goal and cancel requests; is the only writer of goal and approval state; lists the
 *   agents' consumers (their backlog, for its metrics).
 * - executor: consumes approved actions only; writes only its action ledger; reads approval records.
 * - agent-<a>: consumes only `tasks.<a>`; publishes only its own results, proposals and events; reads and writes only
 *   its own ledger keys (`agent.<a>.>`); reads cancel flags.
 * - backend-<t>: submits, requests and cancels goals of tenant `<t>` only; reads only `<t>`'s results and events.
 * - approver-<p>: decides proposals and answers goals as `<p>`; cancels goals; reads state and history.
 * - a2a-<t>: what backend-<t> may, and answers goals as `a2a-<t>`; reads goal records, the published templates and
 *   the agents' cards.
 * - bridge-<t>: what backend-<t> may, and answers goals as `bridge-<t>`; serves the NATS agent protocol as agent
 *   `switchyard` of owner `<t>` (`agents.prompt.switchyard.<t>.<prefix>`), answering backend-<t>'s prompts.
 * - operator: reads state and history; publishes nothing that changes anything.
 * - admin: everything (break-glass; no service runs as admin).
 */
export function permissionsFor(
  id: Identity,
  names: readonly WireNames[],
  everyone: readonly Identity[] = [],
): Permissions {
  const grants: Grant[] = [
    { pub: [`${API}.INFO`], sub: [`${inboxPrefixOf(id.name)}.>`] },
    ...names.flatMap((n) => grantsFor(id, n)),
    { pub: replyInboxes(id, everyone) },
  ];
  const unique = (list: string[]) => [...new Set(list)];
  return {
    publish: unique(grants.flatMap((g) => g.pub ?? [])),
    subscribe: unique(grants.flatMap((g) => g.sub ?? [])),
    allowResponses: false,
  };
}
