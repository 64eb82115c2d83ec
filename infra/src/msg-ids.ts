import { createHash, createHmac } from "node:crypto";

/**
 * Turns a logical message id (`result/<goal>/<subtask>/<attempt>`, `done/<goal>`) into the `Nats-Msg-Id` sent.
 *
 * JetStream deduplicates per stream, not per sender: whoever publishes an id first makes every later message with
 * that id a duplicate for the window. With plain ids a compromised agent could publish `done/<goal>` on its own
 * events subject and the real goal result would be dropped, or pre-empt another agent's result. Keyed with a secret
 * of the publishing identity, an id is the same for every replica of that identity (so their retries still
 * deduplicate) and unpredictable to every other identity.
 */
export type MsgIdSealer = (logicalId: string) => string;

/** A sealer keyed with the identity's secret (its nkey seed, creds, token or password); plain ids on an open bus. */
export function msgIdSealer(identitySecret: Uint8Array | string | undefined): MsgIdSealer {
  if (identitySecret === undefined || identitySecret.length === 0) return (logicalId) => logicalId;
  // A derived key, so the secret itself is never what the HMAC is keyed with elsewhere.
  const key = createHash("sha256").update("switchyard/msg-id\n").update(identitySecret).digest();
  // The logical id stays readable in front for whoever debugs the stream; the tag is what no one else can make.
  return (logicalId) => `${logicalId}~${createHmac("sha256", key).update(logicalId).digest("base64url").slice(0, 22)}`;
}
