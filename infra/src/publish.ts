import type { PubAck } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import type { z } from "zod";
import type { Bus } from "./connect.ts";
import { InfraError } from "./errors.ts";
import { retryTransient } from "./transient.ts";
import { describeIssues, toValidationIssues } from "./validation.ts";

/** Options of {@link publishJson}. */
export type PublishOptions = {
  /**
   * The logical message id: JetStream drops a second message with the same id inside the stream's duplicate window.
   * What is sent as `Nats-Msg-Id` is keyed to this identity ({@link Bus.sealMsgId}), so no other sender can pre-empt it.
   */
  msgId?: string;
  /** Extra headers, e.g. `sy-tenant`, `sy-user`, `traceparent`. Undefined values are skipped. */
  headers?: Record<string, string | undefined>;
};

/** A header name NATS accepts (printable ASCII without `:` or spaces). */
const HEADER_NAME = /^[!-9;-~]{1,128}$/;

/**
 * Builds NATS headers from a plain record, skipping undefined values. Values that came from outside (a request's
 * `traceparent`, a user name) lose control characters and are capped, so a CR/LF cannot break the message; names
 * NATS would refuse are dropped.
 */
export function toHeaders(values: Record<string, string | undefined> | undefined): MsgHdrs | undefined {
  if (values === undefined) return undefined;
  const entries = Object.entries(values)
    .filter((e): e is [string, string] => e[1] !== undefined && HEADER_NAME.test(e[0]))
    .map(([k, v]) => [k, v.replace(/\p{Cc}/gu, "").slice(0, 1_024)] as const)
    .filter(([, v]) => v !== "");
  if (entries.length === 0) return undefined;
  const h = natsHeaders();
  for (const [k, v] of entries) h.set(k, v);
  return h;
}

/**
 * Validates `value` against `schema` and publishes it as JSON to a JetStream subject. Resolves once the stream
 * has stored it (the PubAck), so a caller may ack its own input after this returns.
 * A value that breaks its schema is a bug in the publisher and throws before anything is sent.
 */
export async function publishJson<S extends z.ZodType>(
  bus: Bus,
  subject: string,
  schema: S,
  value: z.input<S>,
  opts: PublishOptions = {},
): Promise<PubAck> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new InfraError(
      "SY_ERR_PUBLISH_INVALID",
      "system",
      `refusing to publish an invalid message on ${subject}: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
  const data = JSON.stringify(parsed.data);
  const publishOpts = {
    msgID: opts.msgId === undefined ? undefined : bus.sealMsgId(opts.msgId),
    headers: toHeaders(opts.headers),
  };
  // Through a stream leader election (a node lost): a message with a msg id may go again even after a timeout, as
  // the stream drops a second copy; one without is resent only when it surely was not stored.
  return retryTransient(() => bus.js.publish(subject, data, publishOpts), { idempotent: opts.msgId !== undefined });
}
