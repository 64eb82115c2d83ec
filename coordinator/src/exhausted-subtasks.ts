import { SubtaskEnvelope, SubtaskResult, WIRE_VERSION } from "@switchyard/contracts";
import { errorMessage, publishJson } from "@switchyard/infra";
import { z } from "zod";
import type { CoordinatorDeps } from "./deps.ts";

/** The part of JetStream's max-deliveries advisory we use. */
const MaxDeliveriesAdvisory = z.object({
  stream: z.string(),
  consumer: z.string(),
  stream_seq: z.number(),
  deliveries: z.number(),
});

/**
 * Turns a subtask that exhausted its deliveries (every replica that took it crashed or went silent past ack_wait)
 * into a failed result (`crashed`), so its goal ends instead of waiting forever. JetStream announces it with an
 * advisory on `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.<tasks stream>.<consumer>`; the message itself stays in the
 * work-queue stream, where we read it and then remove it. Every replica hears the advisory: the result's msg id
 * makes the outcome single, and the replica whose result was stored first is the one that removes the message.
 */
export function watchExhaustedSubtasks(deps: CoordinatorDeps): { stop(): void } {
  const { bus, logger } = deps;
  const stream = bus.names.streams.tasks;
  const sub = bus.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream}.*`, {
    callback: (_err, msg) => {
      const advisory = MaxDeliveriesAdvisory.safeParse(msg.json());
      if (!advisory.success) return;
      failExhausted(advisory.data.stream_seq, advisory.data.deliveries).catch((err: unknown) =>
        logger.error(
          { event: "subtask.exhausted_failed", seq: advisory.data.stream_seq, err: errorMessage(err) },
          "could not fail an exhausted subtask",
        ),
      );
    },
  });

  async function failExhausted(seq: number, deliveries: number): Promise<void> {
    const stored = await bus.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    if (stored === null) return; // another replica handled it
    const envelope = SubtaskEnvelope.safeParse(stored.json());
    if (envelope.success) {
      const e = envelope.data;
      const now = new Date().toISOString();
      const result: SubtaskResult = {
        v: WIRE_VERSION,
        goalId: e.goalId,
        subtaskId: e.subtaskId,
        idempotencyKey: e.idempotencyKey,
        agent: e.agent,
        instance: "none",
        attempt: e.attempt,
        status: "failed",
        failure: {
          kind: "crashed",
          message: `no replica of agent "${e.agent}" finished the subtask in ${deliveries} deliveries (each crashed or went silent past ack_wait)`,
        },
        usage: { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, ms: 0 },
        startedAt: now,
        finishedAt: now,
      };
      const ack = await publishJson(bus, bus.names.subjects.results(e.agent), SubtaskResult, result, {
        msgId: `result/${e.goalId}/${e.subtaskId}/${e.attempt}`,
      });
      // Another replica failed it first and removes the message. Deleting a message twice is not harmless: a
      // clustered stream that applies the delete of a missing message resets its state (nats-server through 2.12.0).
      if (ack.duplicate) return;
      logger.warn(
        { event: "subtask.exhausted", goalId: e.goalId, subtaskId: e.subtaskId, agent: e.agent, deliveries },
        "subtask gave up",
      );
    }
    await bus.jsm.streams.deleteMessage(stream, seq).catch(() => false);
  }

  return { stop: () => sub.unsubscribe() };
}
