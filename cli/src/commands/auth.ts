import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  AUTH_CONF_FILE,
  credentialsEnv,
  errorMessage,
  identity,
  initAuthDir,
  parseIdentity,
  readAuthDir,
  rotateIdentity,
  type Identity,
} from "@switchyard/infra";
import { CliError } from "../client.ts";
import { currentPerson, workspaceAgents } from "../credentials.ts";

export const AUTH_USAGE = `switchyard auth init --out <dir> [--prefix sy]... [--agent <name>]... [--tenant <t>]... [--approver <person>]...
                     [--a2a <tenant>]... [--bridge <tenant>]...
switchyard auth rotate <identity> --dir <dir>
switchyard auth list --dir <dir> [--json]
switchyard auth env <identity> --dir <dir>
  Credentials and server permissions for an authorized bus: one nkey identity per role — coordinator, executor,
  agent-<name> (default: every agent of this workspace), backend-<tenant> (default: default), approver-<person>
  (default: you), operator (read-only) and admin (break-glass); on request a2a-<tenant> (the A2A gateway of a tenant)
  and bridge-<tenant> (its NATS agent-protocol bridge) — and <dir>/${AUTH_CONF_FILE}, the server's
  authorization block (nats-server 2.9–2.12) with each identity's least-privilege permissions.
  init     creates <dir> or adds identities to it; existing identities keep their keys
  rotate   gives an identity a new key; reload the server (nats-server --signal reload) and restart its processes
  list     the identities (names and public keys; no secrets)
  env      the environment a process needs to connect as an identity (NATS_NKEY, NATS_INBOX_PREFIX)`;

function repeated(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string") : [];
}

/** The identities `auth init` makes: the fixed roles, and the named ones asked for (or the defaults). */
function requestedIdentities(values: Record<string, unknown>): Identity[] {
  const agents = repeated(values["agent"]);
  const tenants = repeated(values["tenant"]);
  const approvers = repeated(values["approver"]);
  return [
    identity("coordinator"),
    identity("executor"),
    identity("operator"),
    identity("admin"),
    ...(agents.length > 0 ? agents : workspaceAgents()).map((a) => identity("agent", a)),
    ...(tenants.length > 0 ? tenants : ["default"]).map((t) => identity("backend", t)),
    ...(approvers.length > 0 ? approvers : [currentPerson()]).map((p) => identity("approver", p)),
    // Gateways act for a tenant's users: made only when asked for.
    ...repeated(values["a2a"]).map((t) => identity("a2a", t)),
    ...repeated(values["bridge"]).map((t) => identity("bridge", t)),
  ];
}

/** `switchyard auth`. */
export async function authCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: "string" },
      dir: { type: "string" },
      prefix: { type: "string", multiple: true },
      agent: { type: "string", multiple: true },
      tenant: { type: "string", multiple: true },
      approver: { type: "string", multiple: true },
      a2a: { type: "string", multiple: true },
      bridge: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
    },
  });
  const fail = (message: string): never => {
    throw new CliError(`${message}\n\n${AUTH_USAGE}`, 2);
  };
  const attempt = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(errorMessage(err), 2);
    }
  };
  if (sub === "init") {
    const dir = values.out ?? values.dir ?? fail("init needs --out <dir>");
    const prefixes = repeated(values.prefix);
    const { manifest, created } = attempt(() =>
      initAuthDir({
        dir,
        prefixes: prefixes.length > 0 ? prefixes : undefined,
        identities: requestedIdentities(values),
      }),
    );
    const conf = join(resolve(dir), AUTH_CONF_FILE);
    process.stdout.write(
      [
        `${created.length === 0 ? "no new identities" : `created ${created.join(", ")}`}`,
        `${conf}: ${manifest.identities.length} identities, prefixes ${manifest.prefixes.join(", ")}`,
        `server:  nats-server -js -c ${conf}   (or \`include ${AUTH_CONF_FILE}\` from your configuration)`,
        `service: NATS_NKEY=${resolve(dir)}/<identity>.nk NATS_INBOX_PREFIX=_INBOX_<identity>   (switchyard auth env <identity>)`,
        "",
      ].join("\n"),
    );
    return 0;
  }
  const dir = values.dir ?? values.out ?? fail(`${sub ?? "auth"} needs --dir <dir>`);
  if (sub === "list") {
    const manifest = attempt(() => readAuthDir(dir)) ?? fail(`no credentials directory at ${dir}`);
    if (values.json) process.stdout.write(`${JSON.stringify(manifest)}\n`);
    else {
      const rows = manifest.identities.map(
        (i) => `${i.name.padEnd(28)} ${parseIdentity(i.name).role.padEnd(12)} ${i.publicKey}`,
      );
      process.stdout.write(`prefixes: ${manifest.prefixes.join(", ")}\n${rows.join("\n")}\n`);
    }
    return 0;
  }
  if (sub === "rotate" || sub === "env") {
    const name = positionals[0] ?? fail(`${sub} needs an identity name`);
    if (sub === "env") {
      const env = attempt(() => credentialsEnv(dir, name));
      process.stdout.write(
        `${Object.entries(env)
          .map(([k, v]) => `${k}=${v}`)
          .join("\n")}\n`,
      );
      return 0;
    }
    attempt(() => rotateIdentity(dir, name));
    process.stdout.write(
      `${name} has a new key. Reload the server (nats-server --signal reload, or SIGHUP) and restart ${name}'s processes.\n`,
    );
    return 0;
  }
  return fail(sub === undefined ? "missing subcommand" : `unknown subcommand "${sub}"`);
}
