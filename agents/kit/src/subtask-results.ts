import { SubtaskResult, WIRE_VERSION, type FailureKind, type RunStatus } from "@switchyard/contracts";
import { publishJson, withPublishSpan, type Bus } from "@switchyard/infra";
import type { SubtaskLedger } from "./subtask-ledger.ts";

/** Which run a result is about. */
export type RunIds = { goalId: string; subtaskId: string; attempt: number };

/** Records and publishes one agent's subtask results. */
export type ResultPublisher = {
  /** Publishes a result on `<prefix>.results.<agent>` (the only results subject this agent may use). */
  publish(result: SubtaskResult): Promise<void>;
  /** Records `result` in the ledger (the first record wins), publishes what is on record, and returns it. */
  recordAndPublish(result: SubtaskResult): Promise<SubtaskResult>;
  /** A result that ran nothing: `failed` (with a failure of `kind`) or `cancelled`. */
  ranNothing(ids: RunIds, status: RunStatus, kind: FailureKind, message: string): SubtaskResult;
};

/** Creates the publisher of agent `agent` (its results are recorded under its own ledger keys). */
export function createResultPublisher(
  bus: Bus,
  agent: string,
  ledger: SubtaskLedger,
  instance: string,
): ResultPublisher {
  const subject = bus.names.subjects.results(agent);
  const publish = (result: SubtaskResult) =>
    // A producer span, so the coordinator's processing of the result joins the goal's trace.
    withPublishSpan(subject, { goalId: result.goalId }, async (traceHeaders) => {
      await publishJson(bus, subject, SubtaskResult, result, {
        msgId: `result/${result.goalId}/${result.subtaskId}/${result.attempt}`,
        headers: traceHeaders,
      });
    });
  return {
    publish,
    async recordAndPublish(result) {
      const onRecord = await ledger.record(result);
      await publish(onRecord);
      return onRecord;
    },
    ranNothing(ids, status, kind, message) {
      const now = new Date().toISOString();
      return {
        v: WIRE_VERSION,
        goalId: ids.goalId,
        subtaskId: ids.subtaskId,
        attempt: ids.attempt,
        idempotencyKey: `${ids.goalId}/${ids.subtaskId}`,
        agent,
        instance,
        status,
        failure: status === "cancelled" ? undefined : { kind, message },
        usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
        startedAt: now,
        finishedAt: now,
      };
    },
  };
}
