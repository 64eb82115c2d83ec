import { JetStreamApiError } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { z } from "zod";
import { InfraError } from "./errors.ts";
import { describeIssues, toValidationIssues } from "./validation.ts";

const WRONG_LAST_SEQUENCE = 10071;
const DEFAULT_MAX_CAS_ATTEMPTS = 20;

/** A validated KV value with the revision a compare-and-set write must name. */
export type Versioned<T> = { value: T; revision: number };

/** True when a KV write lost a compare-and-set race (the entry changed, or already exists). */
export function isCasConflict(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE;
}

/** Reads and validates a JSON entry; `undefined` when the key is absent or deleted. A corrupt entry throws. */
export async function getJson<S extends z.ZodType>(
  kv: KV,
  key: string,
  schema: S,
): Promise<Versioned<z.output<S>> | undefined> {
  const entry = await kv.get(key);
  if (entry === null || entry.operation !== "PUT") return undefined;
  const parsed = schema.safeParse(entry.json());
  if (!parsed.success) {
    throw new InfraError(
      "SY_ERR_KV_CONFLICT",
      "system",
      `KV entry ${key} is corrupt: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
  return { value: parsed.data, revision: entry.revision };
}

/** Creates an entry only if the key is absent. Returns the new revision, or `undefined` if it already existed. */
export async function createJson<S extends z.ZodType>(
  kv: KV,
  key: string,
  schema: S,
  value: z.input<S>,
): Promise<number | undefined> {
  const data = JSON.stringify(schema.parse(value));
  try {
    return await kv.create(key, data);
  } catch (err) {
    if (isCasConflict(err)) return undefined;
    throw err;
  }
}

/** What an update function decides: write this value, or leave the entry as it is. */
export type CasDecision<T> = { write: T } | { keep: true };

/**
 * Read-modify-write with compare-and-set on the revision, retried on conflict (another writer got there first).
 * `decide` must be pure: it may run several times. Returns the entry as it stands afterwards. `known`, an entry the
 * caller has just read or written, stands in for the first read: a write on it conflicts if it is stale, and the loop
 * reads; with nothing to write it is returned as it is, so it must be as fresh as a read here would be.
 */
export async function updateJson<S extends z.ZodType>(
  kv: KV,
  key: string,
  schema: S,
  decide: (current: z.output<S>) => CasDecision<z.input<S>>,
  known?: Versioned<z.output<S>>,
): Promise<Versioned<z.output<S>> & { written: boolean }> {
  let start = known;
  for (let attempt = 1; attempt <= DEFAULT_MAX_CAS_ATTEMPTS; attempt++) {
    const current = start ?? (await getJson(kv, key, schema));
    start = undefined;
    if (current === undefined) throw new InfraError("SY_ERR_KV_CONFLICT", "system", `KV entry ${key} does not exist`);
    const decision = decide(current.value);
    if ("keep" in decision) return { ...current, written: false };
    const next = schema.parse(decision.write);
    try {
      const revision = await kv.update(key, JSON.stringify(next), current.revision);
      return { value: next, revision, written: true };
    } catch (err) {
      if (!isCasConflict(err)) throw err;
    }
  }
  throw new InfraError(
    "SY_ERR_KV_CONFLICT",
    "system",
    `KV entry ${key}: gave up after ${DEFAULT_MAX_CAS_ATTEMPTS} compare-and-set conflicts`,
  );
}
