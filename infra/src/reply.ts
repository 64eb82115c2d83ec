import type { Msg } from "@nats-io/transport-node";

/**
 * Answers a request only when its reply subject is an inbox. A requester chooses the reply subject: without this, a
 * client could make a service publish its answer on any subject that service may publish to (a KV key, a stream
 * API call). Returns whether it answered.
 */
export function respondToInbox(msg: Msg, data: string): boolean {
  const reply = msg.reply ?? "";
  if (!/^_INBOX[._]/.test(reply)) return false;
  return msg.respond(data);
}
