import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type StreamConfig,
} from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { nanos } from "@nats-io/transport-node";
import type { Bus } from "./connect.ts";
import { consumerDescription } from "./consumer-descriptions.ts";
import { errorMessage, InfraError } from "./errors.ts";
import { withTransientRetries } from "./resilient-kv.ts";

/** The KV buckets of DESIGN.md §4, opened. */
export type Buckets = {
  goals: KV;
  effects: KV;
  approvals: KV;
  cache: KV;
  /** Spend per tenant/user and window, for the coordinator's quotas. */
  quotas: KV;
};

const STREAM_NOT_FOUND = 10059;
/** How long quota entries live after their last write: a week, well past the longest window (1 day). */
const QUOTAS_TTL_MS = 7 * 24 * 3_600_000;
const CONSUMER_NOT_FOUND = 10014;

function streamConfigs(bus: Bus): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  const { names, config } = bus;
  const storage = config.storage === "memory" ? StorageType.Memory : StorageType.File;
  const common = { storage, num_replicas: config.replicas, duplicate_window: nanos(config.duplicateWindowMs) };
  return [
    {
      ...common,
      name: names.streams.goals,
      description: "Switchyard: goals submitted by backends, people's answers, and the coordinator's timers",
      subjects: [
        names.subjects.goalSubmitAll,
        names.subjects.goalAnswerAll,
        names.subjects.goalReviewAll,
        names.subjects.goalTimer,
      ],
      retention: RetentionPolicy.Workqueue,
    },
    {
      ...common,
      name: names.streams.tasks,
      description: "Switchyard: subtasks dispatched to each agent (one subject per agent)",
      subjects: [names.subjects.tasksAll],
      retention: RetentionPolicy.Workqueue,
    },
    {
      ...common,
      name: names.streams.results,
      description: "Switchyard: subtask results published by each agent",
      subjects: [names.subjects.resultsAll],
      retention: RetentionPolicy.Workqueue,
    },
    {
      ...common,
      name: names.streams.proposals,
      description: "Switchyard: action proposals, people's decisions, approved actions and their outcomes",
      subjects: [
        names.subjects.proposalsAll,
        names.subjects.approvalDecideAll,
        names.subjects.actionExecute,
        names.subjects.actionOutcome,
      ],
      retention: RetentionPolicy.Workqueue,
    },
    {
      ...common,
      name: names.streams.events,
      description: "Switchyard: step events of every goal, and goal results",
      subjects: [names.subjects.eventsAll, names.subjects.goalDoneAll],
      retention: RetentionPolicy.Limits,
      max_age: nanos(config.eventsMaxAgeMs),
    },
  ];
}

/**
 * Creates the streams and KV buckets if they are missing and brings their mutable settings up to date. Idempotent.
 * On an authorized bus only the coordinator may do this; every other service binds with {@link bindBuckets} and
 * waits for the streams it needs ({@link ensureConsumer}).
 */
export async function ensureTopology(bus: Bus): Promise<Buckets> {
  for (const wanted of streamConfigs(bus)) {
    try {
      const info = await bus.jsm.streams.info(wanted.name).catch((err: unknown) => {
        if (err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND) return undefined;
        throw err;
      });
      if (info === undefined) {
        await bus.jsm.streams.add(wanted);
      } else if (needsUpdate(info.config, wanted)) {
        // Only settings the server lets us change are compared; retention and storage are fixed at creation.
        await bus.jsm.streams.update(wanted.name, {
          description: wanted.description,
          subjects: wanted.subjects,
          duplicate_window: wanted.duplicate_window,
          max_age: wanted.max_age ?? 0,
          num_replicas: wanted.num_replicas,
        });
      }
    } catch (err) {
      throw new InfraError("SY_ERR_TOPOLOGY", "system", `cannot set up stream ${wanted.name}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
  }
  return openBuckets(bus);
}

function needsUpdate(current: StreamConfig, wanted: Partial<StreamConfig> & { subjects: string[] }): boolean {
  return (
    current.subjects.join(",") !== wanted.subjects.join(",") ||
    current.description !== wanted.description ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.max_age !== (wanted.max_age ?? 0) ||
    current.num_replicas !== wanted.num_replicas
  );
}

/**
 * Binds one KV bucket without asking the server anything. Reads are direct gets that name the key in the subject, so
 * the server's permissions can scope them per key (with `kvm.open`'s defaults a get is a stream message request that
 * no permission can scope, and that every identity would need).
 */
export function openBucket(bus: Bus, name: string): Promise<KV> {
  return bus.kvm.open(name, { allow_direct: true }).then(withTransientRetries);
}

/** Binds the KV buckets: what a service that may not manage the topology does. */
export function bindBuckets(bus: Bus): Promise<Buckets> {
  const { names } = bus;
  const open = (name: string) => openBucket(bus, name);
  return Promise.all([
    open(names.buckets.goals),
    open(names.buckets.effects),
    open(names.buckets.approvals),
    open(names.buckets.cache),
    open(names.buckets.quotas),
  ]).then(([goals, effects, approvals, cache, quotas]) => ({ goals, effects, approvals, cache, quotas }));
}

/** Creates (or binds) the KV buckets. */
export async function openBuckets(bus: Bus): Promise<Buckets> {
  const { names, config } = bus;
  const opts = {
    storage: config.storage === "memory" ? StorageType.Memory : StorageType.File,
    replicas: config.replicas,
  };
  try {
    // A goal's state and its runs' ledgers go after the retention period, counted from their last write.
    const retained = config.retentionMs > 0 ? { ttl: config.retentionMs } : {};
    const [goals, effects, approvals, cache, quotas] = await Promise.all([
      bus.kvm.create(names.buckets.goals, { ...opts, ...retained, history: 1 }),
      bus.kvm.create(names.buckets.effects, { ...opts, ...retained, history: 1 }),
      bus.kvm.create(names.buckets.approvals, { ...opts, history: 5 }),
      bus.kvm.create(names.buckets.cache, { ...opts, history: 1, ttl: 24 * 3_600_000 }),
      // Past windows expire on their own instead of piling up, one entry per tenant and user each day.
      bus.kvm.create(names.buckets.quotas, { ...opts, history: 1, ttl: QUOTAS_TTL_MS }),
    ]);
    await Promise.all(Object.entries(names.buckets).map(([role, bucket]) => settleBucket(bus, bucket, role)));
    // Buckets created before the retention setting changed (or existed) take it on.
    await Promise.all([names.buckets.goals, names.buckets.effects].map((b) => keepFor(bus, b, config.retentionMs)));
    return {
      goals: withTransientRetries(goals),
      effects: withTransientRetries(effects),
      approvals: withTransientRetries(approvals),
      cache: withTransientRetries(cache),
      quotas: withTransientRetries(quotas),
    };
  } catch (err) {
    throw new InfraError("SY_ERR_TOPOLOGY", "system", `cannot set up KV buckets: ${errorMessage(err)}`, { cause: err });
  }
}

/** What each bucket holds, for `nats kv ls` and `nats stream info`. */
const BUCKET_DESCRIPTIONS: Record<string, string> = {
  goals: "Switchyard: goal records, idempotency keys and cancel flags (written by the coordinator)",
  effects: "Switchyard: agents' run, effect and journal ledgers (agent.<name>.*) and the executor's actions (action.*)",
  approvals: "Switchyard: approval records, the policy in force and auto-approval totals (the approval authority's)",
  cache: "Switchyard: agents' model response caches (agent.<name>.*)",
  quotas: "Switchyard: spend per tenant and user and window (the coordinator's quotas)",
};

/**
 * Brings a bucket's stream to Switchyard's settings: a description, and no `Nats-Rollup` headers (the KV library
 * creates buckets with them on). A put with `Nats-Rollup: all` replaces every key of the bucket, and the server's
 * permissions cannot tell it from a plain put: an agent allowed to write only its own ledger keys could wipe every
 * agent's ledger and the executor's. Switchyard never purges a key (it deletes, which needs no rollup), so a rollup
 * is refused for everyone.
 */
async function settleBucket(bus: Bus, bucket: string, role: string): Promise<void> {
  const stream = `KV_${bucket}`;
  const info = await bus.jsm.streams.info(stream);
  const description = BUCKET_DESCRIPTIONS[role];
  if (info.config.allow_rollup_hdrs || info.config.description !== description) {
    await bus.jsm.streams.update(stream, { allow_rollup_hdrs: false, description });
  }
}

/** Sets how long a bucket keeps an entry after its last write (`0`: forever), if it is not set so already. */
async function keepFor(bus: Bus, bucket: string, ms: number): Promise<void> {
  const stream = `KV_${bucket}`;
  const info = await bus.jsm.streams.info(stream);
  if (info.config.max_age === nanos(ms)) return;
  // The server refuses a duplicate window longer than the age limit.
  const window = ms > 0 ? Math.min(ms, bus.config.duplicateWindowMs) : undefined;
  await bus.jsm.streams.update(stream, {
    max_age: nanos(ms),
    ...(window === undefined ? {} : { duplicate_window: nanos(window) }),
  });
}

/** Options of {@link ensureConsumer}. */
export type EnsureConsumerOptions = {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Deliveries before JetStream gives a message up; default `config.maxDeliver`; -1 = never give up. */
  maxDeliver?: number;
  /**
   * Messages delivered and not yet acked, at most; default {@link DEFAULT_MAX_ACK_PENDING}. A consumer whose messages
   * wait in that set on purpose (timers, nak'ed until due) needs room for every one of them.
   */
  maxAckPending?: number;
  /**
   * How long to wait for the stream to exist (the coordinator creates the topology; another service may start
   * first); default {@link DEFAULT_STREAM_WAIT_MS}.
   */
  streamWaitMs?: number;
};

/** Unacked deliveries a consumer allows by default: bounds the work one service holds at a time. */
export const DEFAULT_MAX_ACK_PENDING = 1_000;

/** How long a service waits at start-up for the coordinator to create the streams: 60 s. */
export const DEFAULT_STREAM_WAIT_MS = 60_000;

const isStreamMissing = (err: unknown) => err instanceof JetStreamApiError && err.code === STREAM_NOT_FOUND;

/**
 * Creates a durable pull consumer (explicit acks, the configured `ack_wait` and `max_deliver`) if it is missing,
 * and updates those settings if they changed. All replicas of a service share it, so replicas split the work.
 */
export async function ensureConsumer(bus: Bus, opts: EnsureConsumerOptions): Promise<void> {
  const wanted: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    filter_subject: opts.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(bus.config.ackWaitMs),
    max_deliver: opts.maxDeliver ?? bus.config.maxDeliver,
    max_ack_pending: opts.maxAckPending ?? DEFAULT_MAX_ACK_PENDING,
    description: consumerDescription(bus.names, opts.durable),
  };
  const waitUntil = Date.now() + (opts.streamWaitMs ?? DEFAULT_STREAM_WAIT_MS);
  try {
    let info: Awaited<ReturnType<typeof bus.jsm.consumers.info>> | undefined;
    for (;;) {
      try {
        info = await bus.jsm.consumers.info(opts.stream, opts.durable);
        break;
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === CONSUMER_NOT_FOUND) break;
        if (!isStreamMissing(err) || Date.now() >= waitUntil) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    if (info === undefined) {
      await bus.jsm.consumers.add(opts.stream, wanted);
    } else if (
      info.config.ack_wait !== wanted.ack_wait ||
      info.config.max_deliver !== wanted.max_deliver ||
      info.config.max_ack_pending !== wanted.max_ack_pending ||
      info.config.description !== wanted.description
    ) {
      await bus.jsm.consumers.update(opts.stream, opts.durable, {
        ack_wait: wanted.ack_wait,
        max_deliver: wanted.max_deliver,
        max_ack_pending: wanted.max_ack_pending,
        description: wanted.description,
      });
    }
  } catch (err) {
    // Two replicas starting at once may race to create the consumer; the loser finds it created.
    const exists = await bus.jsm.consumers.info(opts.stream, opts.durable).then(
      () => true,
      () => false,
    );
    if (!exists) {
      const hint = isStreamMissing(err) ? " (the coordinator creates the streams: is it running on this prefix?)" : "";
      throw new InfraError(
        "SY_ERR_TOPOLOGY",
        "system",
        `cannot set up consumer ${opts.durable} on ${opts.stream}: ${errorMessage(err)}${hint}`,
        { cause: err },
      );
    }
  }
}
