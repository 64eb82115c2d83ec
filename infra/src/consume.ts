import type { Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { z } from "zod";
import type { Bus } from "./connect.ts";
import { trackConsumer } from "./consumer-health.ts";
import { errorMessage } from "./errors.ts";
import type { Logger } from "./logger.ts";
import { retryTransient } from "./transient.ts";
import { decodeJson, type Decoded } from "./validation.ts";

/** What a handler learns about the message besides its validated body. */
export type DeliveryContext = {
  msg: JsMsg;
  subject: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** True when this is the last delivery JetStream will make (`max_deliver`). */
  lastDelivery: boolean;
  headers: Record<string, string>;
};

/**
 * Thrown by a handler to hand a message back without it counting as a failure (e.g. the service is shutting down):
 * it is nak'ed at once for another replica, and never reported as exhausted.
 */
export class ReleaseMessage extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "ReleaseMessage";
  }
}

/**
 * Thrown by a handler that is not done with a message yet (a timer that is not due): it comes back after `delayMs`.
 * With an unlimited `max_deliver` this makes a durable timer on any nats-server version.
 */
export class RetryLater extends Error {
  readonly delayMs: number;
  constructor(delayMs: number) {
    super(`not due for ${delayMs} ms`);
    this.name = "RetryLater";
    this.delayMs = delayMs;
  }
}

/** A message that failed to decode or validate; it is terminated after `onInvalid` returns. */
export type InvalidDelivery = Extract<Decoded<unknown>, { ok: false }> & DeliveryContext;

/** Options of {@link startConsumer}. */
export type StartConsumerOptions<S extends z.ZodType> = {
  bus: Bus;
  stream: string;
  durable: string;
  schema: S;
  /** Names the message in errors, e.g. "goal". */
  what: string;
  logger: Logger;
  /** Handles a valid message. Resolving acks it (after the ack is confirmed); throwing naks it with backoff. */
  handle(value: z.output<S>, ctx: DeliveryContext): Promise<void>;
  /** Reports a message that is not valid JSON or breaks the schema (publish an event, a failed result, …). */
  onInvalid(bad: InvalidDelivery): Promise<void>;
  /** Called instead of a nak when the handler failed on the last delivery; the message is then terminated. */
  onExhausted?(value: z.output<S>, ctx: DeliveryContext, err: unknown): Promise<void>;
  /** Messages handled at once; default `config.maxInFlight`. */
  maxInFlight?: number;
  /** The consumer's `max_deliver` (to know the last delivery); default `config.maxDeliver`; -1 = unlimited. */
  maxDeliver?: number;
  /** Send `working()` while a handler runs, so a long handler is not redelivered. Default false. */
  heartbeat?: boolean;
};

/** A running consumer. */
export type RunningConsumer = {
  /** Stops pulling, waits up to `graceMs` for in-flight handlers, and resolves. Unfinished work is redelivered. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the consumer loop has ended. */
  done: Promise<void>;
};

const NAK_BASE_MS = 500;
const NAK_MAX_MS = 30_000;
const DEFAULT_STOP_GRACE_MS = 10_000;
/** How long one pull waits for messages; a new pull follows at once, so this only bounds idle requests. */
const FETCH_EXPIRES_MS = 5_000;

function headerRecord(msg: JsMsg): Record<string, string> {
  const out: Record<string, string> = {};
  if (msg.headers === undefined) return out;
  for (const [k, v] of msg.headers) if (v[0] !== undefined) out[k] = v[0];
  return out;
}

/**
 * Runs a durable pull consumer: every message is JSON-decoded and validated; a bad message is reported and
 * terminated; a handler error naks the message with exponential backoff. The loop never throws: it logs,
 * waits and resumes, so one bad message or a NATS restart never stops a service.
 */
export function startConsumer<S extends z.ZodType>(opts: StartConsumerOptions<S>): RunningConsumer {
  const { bus, logger } = opts;
  const maxInFlight = opts.maxInFlight ?? bus.config.maxInFlight;
  const maxDeliver = opts.maxDeliver ?? bus.config.maxDeliver;
  const inFlight = new Set<Promise<void>>();
  let stopped = false;
  let messages: ConsumerMessages | undefined;

  async function process(msg: JsMsg): Promise<void> {
    const ctx: DeliveryContext = {
      msg,
      subject: msg.subject,
      deliveryCount: msg.info.deliveryCount,
      lastDelivery: maxDeliver > 0 && msg.info.deliveryCount >= maxDeliver,
      headers: headerRecord(msg),
    };
    const decoded = decodeJson(opts.schema, msg.data, opts.what);
    if (!decoded.ok) {
      logger.warn({ event: "message.rejected", subject: msg.subject, reason: decoded.reason }, decoded.reason);
      try {
        await opts.onInvalid({ ...decoded, ...ctx });
      } catch (err) {
        logger.error({ event: "message.report_failed", err: errorMessage(err) }, "could not report an invalid message");
      }
      msg.term();
      return;
    }
    const beat = opts.heartbeat ? setInterval(() => msg.working(), Math.max(500, bus.config.ackWaitMs / 3)) : undefined;
    try {
      await opts.handle(decoded.value, ctx);
      // The work is done: an ack lost to a consumer leader election is sent again (until ack_wait would redeliver
      // anyway) rather than turned into a nak that runs the handler again.
      await retryTransient(() => msg.ackAck(), { idempotent: true, maxMs: bus.config.ackWaitMs });
    } catch (err) {
      // Neither is a failure: no backoff, no exhaustion report (the delivery still counts toward `max_deliver`).
      if (err instanceof ReleaseMessage) {
        logger.info({ event: "message.released", subject: msg.subject, reason: err.message }, err.message);
        msg.nak();
        return;
      }
      if (err instanceof RetryLater) {
        msg.nak(err.delayMs);
        return;
      }
      if (ctx.lastDelivery && opts.onExhausted !== undefined) {
        logger.error(
          { event: "message.exhausted", subject: msg.subject, err: errorMessage(err) },
          "handler failed on the last delivery",
        );
        try {
          await opts.onExhausted(decoded.value, ctx, err);
        } catch (reportErr) {
          logger.error(
            { event: "message.report_failed", err: errorMessage(reportErr) },
            "could not report an exhausted message",
          );
        }
        msg.term();
        return;
      }
      const delay = Math.min(NAK_MAX_MS, NAK_BASE_MS * 2 ** (ctx.deliveryCount - 1));
      logger.warn(
        {
          event: "message.retry",
          subject: msg.subject,
          delivery: ctx.deliveryCount,
          delayMs: delay,
          err: errorMessage(err),
        },
        `handler failed, retrying in ${delay} ms`,
      );
      msg.nak(delay);
    } finally {
      if (beat !== undefined) clearInterval(beat);
    }
  }

  // Readiness (`consumerStates`) follows this loop: failing from an error until a fetch completes again.
  const health = trackConsumer(bus, opts.stream, opts.durable);

  // Pull only as many messages as there are free slots: a message fetched ahead of a free slot would wait without
  // heartbeats and be redelivered (and run twice) after ack_wait, and would starve the other replicas.
  async function loop(): Promise<void> {
    let consumer: Consumer | undefined;
    for (let failures = 0; !stopped;) {
      try {
        consumer ??= await bus.js.consumers.get(opts.stream, opts.durable);
        while (!stopped && inFlight.size >= maxInFlight) await Promise.race(inFlight);
        if (stopped) break;
        messages = await consumer.fetch({ max_messages: maxInFlight - inFlight.size, expires: FETCH_EXPIRES_MS });
        if (stopped) {
          await messages.close();
          break;
        }
        for await (const msg of messages) {
          health.ok();
          const task = process(msg).catch((err: unknown) => {
            logger.error(
              { event: "message.unhandled", err: errorMessage(err) },
              "unexpected error while handling a message",
            );
          });
          inFlight.add(task);
          void task.finally(() => inFlight.delete(task));
        }
        failures = 0;
        health.ok();
        continue;
      } catch (err) {
        if (stopped) break;
        failures++;
        consumer = undefined;
        health.failed(err);
        logger.error(
          { event: "consumer.error", durable: opts.durable, err: errorMessage(err) },
          "consumer failed; retrying",
        );
      }
      if (!stopped) await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** Math.min(failures, 5))));
    }
  }

  const done = loop().finally(() => health.untrack());
  return {
    done,
    async stop(graceMs = DEFAULT_STOP_GRACE_MS) {
      stopped = true;
      await messages?.close();
      const grace = new Promise((r) => setTimeout(r, graceMs).unref());
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      await Promise.race([done, grace]);
    },
  };
}
