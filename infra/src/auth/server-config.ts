import type { Permissions } from "./permissions.ts";

/** One user of the server: an nkey (public key) and what it may do. */
export type ServerUser = { comment: string; nkey: string; permissions: Permissions };

/** A JSON string is a valid quoted string in the nats-server config syntax (and keeps `$` from naming a variable). */
const quoted = (s: string) => JSON.stringify(s);

function list(items: string[], indent: string): string {
  return `[\n${items.map((i) => `${indent}  ${quoted(i)}`).join("\n")}\n${indent}]`;
}

/**
 * Renders a nats-server `authorization` block (valid on nats-server 2.9 through 2.12): one user per identity,
 * authenticated by its nkey, with its publish and subscribe allow-lists. Anything not allowed is refused, and a
 * client without a known nkey cannot connect at all.
 */
export function renderAuthorization(users: readonly ServerUser[], header: string[] = []): string {
  const blocks = users.map((u) =>
    [
      `    # ${u.comment}`,
      "    {",
      `      nkey: ${quoted(u.nkey)}`,
      "      permissions: {",
      `        publish: { allow: ${list(u.permissions.publish, "        ")} }`,
      `        subscribe: { allow: ${list(u.permissions.subscribe, "        ")} }`,
      `        allow_responses: ${String(u.permissions.allowResponses)}`,
      "      }",
      "    }",
    ].join("\n"),
  );
  return [...header.map((h) => `# ${h}`), "authorization {", "  users = [", ...blocks, "  ]", "}", ""].join("\n");
}
