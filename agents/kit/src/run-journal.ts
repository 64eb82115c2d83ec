import type { KV } from "@nats-io/kv";
import {
  JournalAttempt,
  JournalEntry,
  type SubtaskEnvelope,
  type SubtaskResult,
  type WireNames,
} from "@switchyard/contracts";
import { createJson, errorMessage, getJson, type Logger } from "@switchyard/infra";
import type { ModelResponse } from "./model/types.ts";

export type ReadEntry = Extract<JournalEntry, { kind: "read" }>;

/** A model response served by the journal or by the model. */
export type JournaledResponse = {
  response: ModelResponse;
  /** Taken from the journal: the model was not called. */
  replayed: boolean;
  /** An earlier attempt's result already reported its usage: count nothing now. */
  reportedBefore: boolean;
};

/**
 * The journal of one run of a subtask, durable on the bus: every model response and every read tool's result, in
 * order, as the loop makes progress. A run that resumes (after an approval, a person's answer, or a crash of the
 * replica) replays it — no model call, no read, no cost — up to where it stopped, then goes on live and appends.
 * The loop is deterministic given these entries, so a replay retraces the same calls.
 */
export type RunJournal = {
  /** The attempt running now. */
  readonly attempt: number;
  /** True when the run continues an earlier one (the journal held entries when it was opened). */
  readonly resuming: boolean;
  /** Where a replay found the journal saying something else than the run did, if it did. */
  divergence(): { position: number; found: string; wanted: string } | undefined;
  /** The next model response: from the journal while it has one, else from `live` (then recorded). */
  model(live: () => Promise<ModelResponse>): Promise<JournaledResponse>;
  /** The next read tool result: from the journal while it has one for this call, else from `live` (then recorded). */
  read(
    toolCallId: string,
    live: () => Promise<Omit<ReadEntry, "kind" | "attempt" | "toolCallId">>,
  ): Promise<Omit<ReadEntry, "kind" | "attempt" | "toolCallId"> & { replayed: boolean }>;
};

/** Where entries live: read and create by position (a create fails when the position is taken). */
export type JournalStore = {
  get(n: number): Promise<JournalEntry | undefined>;
  /** Stores `entry` at `n` unless an entry is there; returns the entry on record. */
  create(n: number, entry: JournalEntry): Promise<JournalEntry>;
};

/**
 * A journal over `store` for `attempt`. Replays while entries match the calls the loop makes; the first position
 * with no entry (or an entry of another kind: the code changed since) ends the replay for good.
 */
export async function createRunJournal(store: JournalStore, attempt: number, logger?: Logger): Promise<RunJournal> {
  let position = 0;
  let replaying = (await store.get(0)) !== undefined;
  const resuming = replaying;
  // A journal that cannot be written any more (the store failed) goes on without recording: the run still runs.
  let recording = true;

  const next = async (): Promise<JournalEntry | undefined> => {
    if (!replaying) return undefined;
    const entry = await store.get(position).catch(() => undefined);
    if (entry === undefined) replaying = false;
    return entry;
  };
  const record = async (entry: JournalEntry): Promise<JournalEntry> => {
    if (!recording) return entry;
    try {
      return await store.create(position, entry);
    } catch (err) {
      recording = false;
      logger?.warn({ event: "journal.write_failed", err: errorMessage(err) }, "run journal not written; run goes on");
      return entry;
    }
  };
  let divergence: { position: number; found: string; wanted: string } | undefined;
  const diverged = (entry: JournalEntry, wanted: string) => {
    replaying = false;
    divergence = { position, found: entry.kind === "read" ? `read ${entry.toolCallId}` : "model", wanted };
    // The entry at this position says something else happened here: the loop's code changed since it was written.
    // What comes after it no longer describes this run, so nothing more is recorded either.
    recording = false;
    logger?.warn(
      { event: "journal.diverged", position, found: entry.kind, wanted },
      "run journal does not match this run; going on live",
    );
  };

  return {
    attempt,
    resuming,
    divergence: () => divergence,
    async model(live) {
      const entry = await next();
      if (entry?.kind === "model") {
        position++;
        return {
          response: entry.response,
          replayed: true,
          reportedBefore: entry.attempt < attempt,
        };
      }
      if (entry !== undefined) diverged(entry, "model");
      const response = await live();
      const kept = await record({ kind: "model", attempt, response });
      position++;
      // Another replica of this attempt recorded first: the run follows what is on record.
      const onRecord = kept.kind === "model" ? kept.response : response;
      return { response: onRecord, replayed: onRecord !== response, reportedBefore: false };
    },
    async read(toolCallId, live) {
      const entry = await next();
      if (entry?.kind === "read" && entry.toolCallId === toolCallId) {
        position++;
        const { kind: _k, attempt: _a, toolCallId: _t, ...outcome } = entry;
        return { ...outcome, replayed: true };
      }
      if (entry !== undefined) diverged(entry, `read ${toolCallId}`);
      const outcome = await live();
      await record({ kind: "read", attempt, toolCallId, ...outcome });
      position++;
      return { ...outcome, replayed: false };
    },
  };
}

/** An in-memory store, for unit tests and runs without a bus. */
export function memoryJournalStore(entries: JournalEntry[] = []): JournalStore & { entries: JournalEntry[] } {
  return {
    entries,
    get: async (n) => entries[n],
    async create(n, entry) {
      const there = entries[n];
      if (there !== undefined) return there;
      entries[n] = entry;
      return entry;
    },
  };
}

/**
 * Whether attempt `envelope.attempt` continues the run of the attempt before it: that attempt paused, and what it
 * waited for came — every proposal it made is approved (a write now in `approvedEffects`) or was a destructive
 * action the executor carries out, or a person answered. A retry after a failure or a rejection starts afresh:
 * replaying it would only retrace the same path.
 */
export function continuesPreviousRun(previous: SubtaskResult | undefined, envelope: SubtaskEnvelope): boolean {
  if (previous === undefined) return false;
  if (previous.status === "needs_input") return (envelope.answers ?? []).length > 0;
  if (previous.status !== "needs_approval") return false;
  const approved = new Set(envelope.approvedEffects ?? []);
  const proposals = previous.proposals ?? [];
  return (
    proposals.length > 0 &&
    proposals.every((p) => p.kind === "destructive" || (p.effectKey !== undefined && approved.has(p.effectKey)))
  );
}

/**
 * The journal of one attempt on the effects bucket, among the agent's own keys. A new attempt that continues the
 * previous one ({@link continuesPreviousRun}) writes that attempt's journal; any other starts its own. The choice is
 * recorded per attempt, so a redelivery of the same attempt (its replica crashed) resumes the same journal.
 */
export async function openRunJournal(opts: {
  kv: KV;
  names: WireNames;
  agent: string;
  envelope: SubtaskEnvelope;
  /** The agent's recorded result of the attempt before, if any. */
  previous: SubtaskResult | undefined;
  logger?: Logger;
}): Promise<RunJournal> {
  const { kv, names, agent, envelope } = opts;
  const { goalId, subtaskId, attempt } = envelope;
  const attemptKey = (a: number) => names.keys.journalAttempt(agent, goalId, subtaskId, a);
  const previousRoot = continuesPreviousRun(opts.previous, envelope)
    ? (await getJson(kv, attemptKey(attempt - 1), JournalAttempt))?.value.root
    : undefined;
  const chosen: JournalAttempt = {
    root: previousRoot ?? attempt,
    input: envelope.input,
    upstream: envelope.upstream,
    answers: envelope.answers,
    approvedEffects: envelope.approvedEffects,
    trustedInput: envelope.trustedInput,
  };
  const root =
    (await createJson(kv, attemptKey(attempt), JournalAttempt, chosen)) !== undefined
      ? chosen.root
      : ((await getJson(kv, attemptKey(attempt), JournalAttempt))?.value.root ?? chosen.root);
  const key = (n: number) => names.keys.journalEntry(agent, goalId, subtaskId, root, n);
  const store: JournalStore = {
    async get(n) {
      return (await getJson(kv, key(n), JournalEntry))?.value;
    },
    async create(n, entry) {
      if ((await createJson(kv, key(n), JournalEntry, entry)) !== undefined) return entry;
      return (await getJson(kv, key(n), JournalEntry))?.value ?? entry;
    },
  };
  return createRunJournal(store, attempt, opts.logger);
}
