// What each identity may publish and subscribe to, read the way nats-server reads its permissions: the checks the
// permissions tests share.
import { wireNames } from "@switchyard/contracts";
import { identity, type Identity } from "./identities.ts";
import { permissionsFor } from "./permissions.ts";

export const names = wireNames("sy");
export const { subjects, streams, buckets, keys } = names;

/** NATS subject matching: `*` matches one token, a trailing `>` one or more. */
export function matches(pattern: string, subject: string): boolean {
  const p = pattern.split(".");
  const s = subject.split(".");
  for (let i = 0; i < p.length; i++) {
    if (p[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (p[i] !== "*" && p[i] !== s[i]) return false;
  }
  return p.length === s.length;
}
export const allows = (list: string[], subject: string) => list.some((pattern) => matches(pattern, subject));

export const perms = (id: Identity) => permissionsFor(id, [names]);
export const canPub = (id: Identity, subject: string) => allows(perms(id).publish, subject);
export const canSub = (id: Identity, subject: string) => allows(perms(id).subscribe, subject);

export const coordinator = identity("coordinator");
export const executor = identity("executor");
export const keywords = identity("agent", "keywords");
export const refunds = identity("agent", "refunds");
export const acme = identity("backend", "acme");
export const rita = identity("approver", "rita");
export const operator = identity("operator");
export const admin = identity("admin");
export const everyone = [coordinator, executor, keywords, refunds, acme, rita, operator, admin];
