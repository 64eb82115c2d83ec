// Who a request acts for. The tenant is the gateway's (its bus identity pins it); the user is the gateway's
// configured one, or the one an authenticating proxy names in a header. A shared bearer token, when configured,
// keeps everyone else out.
import { createHash, timingSafeEqual } from "node:crypto";
import { UserName } from "@switchyard/contracts";
import type { A2aConfig } from "./config.ts";
import { A2aError } from "./errors.ts";

/** The user a request acts for: goals are attributed to it, and it sees only its own tasks. */
export type Caller = { user: string };

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares secrets in constant time (digests have equal lengths whatever the inputs'). */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The caller of a request, from its headers; a missing or wrong credential throws an unauthenticated error. */
export function authenticate(config: A2aConfig, header: (name: string) => string | undefined): Caller {
  if (config.token !== undefined) {
    const given = /^Bearer\s+(\S+)\s*$/i.exec(header("authorization") ?? "")?.[1];
    if (given === undefined || !sameSecret(given, config.token)) {
      throw new A2aError(
        "SY_ERR_A2A_UNAUTHENTICATED",
        "missing or wrong credentials: send the gateway's token as `Authorization: Bearer <token>`",
        { details: { scheme: "Bearer" } },
      );
    }
  }
  if (config.userHeader === undefined) return { user: config.user };
  const named = UserName.safeParse(header(config.userHeader.toLowerCase())?.trim());
  if (!named.success) {
    throw new A2aError(
      "SY_ERR_A2A_UNAUTHENTICATED",
      `the request names no valid user in its ${config.userHeader} header (set by the authenticating proxy in ` +
        "front of this gateway)",
      { details: { header: config.userHeader } },
    );
  }
  return { user: named.data };
}
