import type { Msg, NatsConnection, SubscriptionOptions } from "@nats-io/transport-node";

/** Whether a reply subject is an inbox (`_INBOX.` or an identity's own `_INBOX_<identity>.` prefix). */
export const isInbox = (reply: string): boolean => /^_INBOX[._]/.test(reply);

/**
 * Answers a request only when its reply subject is an inbox. A requester chooses the reply subject: without this, a
 * client could make a service publish its answer on any subject that service may publish to (a KV key, a stream
 * API call). Returns whether it answered.
 */
export function respondToInbox(msg: Msg, data: string): boolean {
  if (!isInbox(msg.reply ?? "")) return false;
  return msg.respond(data);
}

/**
 * The connection as a library that answers every request on its reply subject should see it: its subscriptions
 * never receive a request whose reply subject is not an inbox. For the micro-service framework, whose
 * `$SRV.PING/INFO/STATS` handlers answer anyone's reply subject: an agent would otherwise publish its service info
 * on its own results subject or ledger keys for whoever asked.
 */
export function inboxRepliesOnly(nc: NatsConnection): NatsConnection {
  const subscribe: NatsConnection["subscribe"] = (subject, opts) => {
    const callback = opts?.callback;
    if (callback === undefined) return nc.subscribe(subject, opts);
    const guarded: SubscriptionOptions["callback"] = (err, msg) => {
      if (err === null && msg.reply !== undefined && msg.reply !== "" && !isInbox(msg.reply)) return;
      void callback(err, msg);
    };
    return nc.subscribe(subject, { ...opts, callback: guarded });
  };
  return new Proxy(nc, {
    get(target, prop) {
      if (prop === "subscribe") return subscribe;
      const value: unknown = Reflect.get(target, prop, target);
      // Methods run on the real connection (it keeps private state).
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
