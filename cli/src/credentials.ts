import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { DEFAULT_PREFIX } from "@switchyard/contracts";
import { identity, initAuthDir, parseIdentity, type Identity } from "@switchyard/infra";
import { z } from "zod";
import { WORKSPACE_ROOT } from "./workspace.ts";

/** Where `switchyard up` and `demo` keep the development credentials they generate. */
export const DEV_AUTH_DIR = join(WORKSPACE_ROOT, ".switchyard", "auth");
/** Where `switchyard up` says which bus it runs on, so other commands find it. */
export const STACK_FILE = join(WORKSPACE_ROOT, ".switchyard", "stack.json");

/** What `switchyard up` tells later commands about the stack it runs. */
export const StackInfo = z.object({
  natsUrl: z.string(),
  authDir: z.string().optional(),
  prefix: z.string(),
  insecure: z.boolean(),
  pid: z.int(),
});
export type StackInfo = z.infer<typeof StackInfo>;

/** The running stack's info, if `up` is running (its file is there and its process alive). */
export function readStackInfo(): StackInfo | undefined {
  if (!existsSync(STACK_FILE)) return undefined;
  const parsed = StackInfo.safeParse(JSON.parse(readFileSync(STACK_FILE, "utf8")));
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
    return parsed.data;
  } catch {
    return undefined;
  }
}

export function writeStackInfo(info: StackInfo): void {
  mkdirSync(join(WORKSPACE_ROOT, ".switchyard"), { recursive: true });
  writeFileSync(STACK_FILE, `${JSON.stringify(info, null, 2)}\n`);
}

/** A person id from a login name: characters a subject token may not hold become `-`. */
export function personFromLogin(login: string): string {
  const cleaned = login
    .replace(/[^A-Za-z0-9_-]/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 64);
  return cleaned === "" ? "reviewer" : cleaned;
}

/** The person this CLI acts for: `$SY_USER`, else the login name. */
export function currentPerson(env: NodeJS.ProcessEnv = process.env): string {
  return personFromLogin(env["SY_USER"] || userInfo().username);
}

/** The agents of the workspace: every `agents/<name>` that has a `src/main.ts`. */
export function workspaceAgents(root: string = WORKSPACE_ROOT): string[] {
  const dir = join(root, "agents");
  return readdirSync(dir)
    .filter((d) => existsSync(join(dir, d, "src", "main.ts")))
    .sort();
}

/**
 * The identities a development stack needs: the coordinator, the executor, every workspace agent, a backend for
 * tenant `default` (and `$SY_TENANT`), an approver for the person at this terminal, the operator and the admin.
 */
export function devIdentities(env: NodeJS.ProcessEnv = process.env): Identity[] {
  const tenants = [...new Set(["default", env["SY_TENANT"] || "default"])];
  return [
    identity("coordinator"),
    identity("executor"),
    ...workspaceAgents().map((a) => identity("agent", a)),
    ...tenants.map((t) => identity("backend", t)),
    identity("approver", currentPerson(env)),
    identity("operator"),
    identity("admin"),
  ];
}

/**
 * Makes sure the development credentials exist (generated on first run, extended when agents were added); returns
 * the directory. Idempotent: existing identities keep their keys.
 */
export function ensureDevCredentials(
  dir: string = DEV_AUTH_DIR,
  prefix: string = DEFAULT_PREFIX,
  env: NodeJS.ProcessEnv = process.env,
): { dir: string; created: string[] } {
  const { created } = initAuthDir({ dir, prefixes: [prefix], identities: devIdentities(env) });
  return { dir, created };
}

/** The identity a command runs as by default, when neither `--as` nor `$SY_IDENTITY` names one. */
export type DefaultIdentity = { role: "backend"; tenant?: string } | { role: "approver" } | { role: "operator" };

/** Resolves `--as` / `$SY_IDENTITY` / the command's default to an identity. */
export function resolveIdentity(
  explicit: string | undefined,
  fallback: DefaultIdentity,
  env: NodeJS.ProcessEnv = process.env,
): Identity {
  const named = explicit ?? (env["SY_IDENTITY"] || undefined);
  if (named !== undefined) return parseIdentity(named);
  if (fallback.role === "backend") return identity("backend", fallback.tenant ?? (env["SY_TENANT"] || "default"));
  if (fallback.role === "approver") return identity("approver", currentPerson(env));
  return identity("operator");
}
