import { ToolKind } from "@switchyard/contracts";
import { describeIssues, toValidationIssues, type Logger } from "@switchyard/infra";
import { z } from "zod";
import { AgentKitError } from "../errors.ts";

/** How long one tool call may wait for the server's answer (the run's deadline may end it sooner). */
export const DEFAULT_MCP_CALL_TIMEOUT_MS = 60_000;
/** How long connecting (and listing the tools) may take. */
export const DEFAULT_MCP_CONNECT_TIMEOUT_MS = 30_000;

const ToolNames = z.array(z.string().min(1)).min(1);

/** The options of `connectMcpTools`, as checked at start-up. */
const McpToolsOptionsSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_-]{0,63}$/, "must match [a-z][a-z0-9_-]{0,63}")
      .optional(),
    stdio: z
      .strictObject({
        command: z.string().min(1),
        args: z.array(z.string()).optional(),
        env: z.record(z.string(), z.string()).optional(),
        cwd: z.string().min(1).optional(),
      })
      .optional(),
    http: z
      .strictObject({
        url: z.union([z.url({ protocol: /^https?$/ }), z.instanceof(URL)]),
        headers: z.record(z.string(), z.string()).optional(),
      })
      .optional(),
    kinds: z.record(z.string(), ToolKind).optional(),
    include: ToolNames.optional(),
    exclude: ToolNames.optional(),
    entities: z.record(z.string(), z.array(z.string().min(1))).optional(),
    prefix: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, "must match [a-z][a-z0-9_]{0,31}")
      .optional(),
    callTimeoutMs: z.int().positive().optional(),
    connectTimeoutMs: z.int().positive().optional(),
    logger: z.custom<Logger>((v) => typeof v === "object" && v !== null).optional(),
  })
  .refine((o) => (o.stdio === undefined) !== (o.http === undefined), {
    message: "give exactly one of stdio or http",
  })
  .refine((o) => o.include === undefined || o.exclude === undefined, {
    message: "give include or exclude, not both",
  });

/** Which MCP server to take tools from, and how to turn them into Switchyard tools. */
export type McpToolsOptions = {
  /**
   * Names the server in logs, errors and step events (`[a-z][a-z0-9_-]*`). Default: the name the server reports, else
   * `mcp`.
   */
  name?: string;
  /** Start the server as a child process and talk over its stdin/stdout. `env` is added to a safe default set. */
  stdio?: { command: string; args?: string[]; env?: Record<string, string>; cwd?: string };
  /** Reach a running server over streamable HTTP; `headers` go on every request (e.g. `Authorization`). */
  http?: { url: string | URL; headers?: Record<string, string> };
  /**
   * Kinds by the server's tool name, overriding what the server's annotations claim (`readOnlyHint: true` → read,
   * `destructiveHint: true` → destructive, otherwise write). The annotations are the server's own say-so: set the
   * kind of every tool whose effects you know better. Default: none.
   */
  kinds?: Record<string, ToolKind>;
  /** Only these tools (by the server's name). Default: all. Not together with `exclude`. */
  include?: string[];
  /** All tools but these (by the server's name). Default: none left out. */
  exclude?: string[];
  /**
   * Write tools only, by the server's tool name: dot paths of the args that name an entity (see `defineTool`'s
   * `entities`). Default: none.
   */
  entities?: Record<string, string[]>;
  /** Put before every tool name (`files_` → `files_read`), to tell several servers' tools apart. Default: none. */
  prefix?: string;
  /** Default {@link DEFAULT_MCP_CALL_TIMEOUT_MS}. */
  callTimeoutMs?: number;
  /** Default {@link DEFAULT_MCP_CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number;
  /** Default: a logger of its own on stdout. */
  logger?: Logger;
};

/** Checks `options` at start-up; a bad one fails with every problem named. */
export function checkMcpToolsOptions(options: McpToolsOptions): void {
  const parsed = McpToolsOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new AgentKitError(
      "SY_ERR_AGENT_DEFINITION",
      "caller",
      `invalid MCP tools options: ${describeIssues(toValidationIssues(parsed.error))}`,
    );
  }
}

/** How the server is reached, in words, for logs and errors. */
export function describeServer(options: McpToolsOptions): string {
  if (options.stdio !== undefined) return `stdio: ${[options.stdio.command, ...(options.stdio.args ?? [])].join(" ")}`;
  return `http: ${String(options.http?.url)}`;
}
