import type { CancelRequest, GoalRecord } from "@switchyard/contracts";
import type { Versioned } from "@switchyard/infra";

/** A goal's record and its recorded cancellation, read together. */
export type GoalView = { record: Versioned<GoalRecord>; cancel: CancelRequest | undefined };

/** The version a reaction left, with the record its input met. */
export type Applied = { before: GoalRecord; record: Versioned<GoalRecord> };

/** What a reaction did: the record its input met (after any conflict) and the one it left. */
export type Reaction = { before: GoalRecord; after: GoalRecord };
