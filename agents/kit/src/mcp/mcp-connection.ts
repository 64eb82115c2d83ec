import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { errorMessage, SWITCHYARD_VERSION, type Logger } from "@switchyard/infra";
import {
  DEFAULT_MCP_CALL_TIMEOUT_MS,
  DEFAULT_MCP_CONNECT_TIMEOUT_MS,
  describeServer,
  type McpToolsOptions,
} from "./mcp-options.ts";

/** A `tools/list` answer spread over more pages than this is refused (a server bug, or a hostile one). */
const MAX_TOOL_PAGES = 50;
/** How long a liveness probe of an HTTP server may take, after its transport reported an error. */
const PROBE_TIMEOUT_MS = 5_000;
/** How long ending an HTTP session may take at stop. */
const TERMINATE_TIMEOUT_MS = 5_000;

/** The client's connection to one MCP server: connected at start, re-opened on the next call after it was lost. */
export type McpConnection = {
  /** The name the server reported when it was first connected. */
  readonly serverName: string;
  /** Every tool the server lists now (all pages). */
  listTools(): Promise<Tool[]>;
  /** Calls a tool. Fails, never hangs, when the server goes away: its process exits or it stops answering. */
  callTool(name: string, args: unknown, meta: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
  /** Ends the session (stops a stdio server's process). Calls after it fail. */
  close(): Promise<void>;
};

/** What the connection tells its owner. */
export type ConnectionHooks = {
  logger: Logger;
  /** The server's tool list as it is now, after it announced a change or after the connection was re-opened. */
  onToolsListed(tools: Tool[]): void;
};

type Session = { client: Client; lost: AbortController; probing: boolean };

/** Connects to the server `options` names; fails with the reason when it cannot be reached within the timeout. */
export async function openMcpConnection(options: McpToolsOptions, hooks: ConnectionHooks): Promise<McpConnection> {
  const where = describeServer(options);
  const logger = hooks.logger;
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_MCP_CALL_TIMEOUT_MS;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_MCP_CONNECT_TIMEOUT_MS;
  let current: Session | undefined;
  let reopening: Promise<Session> | undefined;
  let stopped = false;

  const listTools = async (session: Session): Promise<Tool[]> => {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await session.client.listTools(cursor === undefined ? undefined : { cursor }, {
        timeout: connectTimeoutMs,
      });
      tools.push(...listed.tools);
      cursor = listed.nextCursor;
      if (cursor === undefined) return tools;
    }
    throw new Error(`${where}: tools/list went on for more than ${MAX_TOOL_PAGES} pages`);
  };
  const relist = (session: Session, why: string) => {
    listTools(session).then(
      (tools) => hooks.onToolsListed(tools),
      (err: unknown) =>
        logger.warn({ event: "mcp.tools.list_failed", why, err: errorMessage(err) }, "could not list the tools again"),
    );
  };
  const lose = (session: Session, reason: string) => {
    const wasCurrent = current === session;
    if (wasCurrent) current = undefined;
    // In-flight calls listen on this signal: they fail now with the reason, instead of waiting for their timeout.
    session.lost.abort(new Error(reason));
    if (wasCurrent && !stopped)
      logger.warn(
        { event: "mcp.disconnected", reason },
        `MCP server connection lost: ${reason}; the next call reconnects`,
      );
    void session.client.close().catch(() => {});
  };
  // A streamable HTTP transport reports a broken stream but keeps the calls on it waiting (it retries, then gives
  // up quietly): on an error, a ping says whether the server is still there.
  const probe = (session: Session, err: Error) => {
    if (stopped || session.probing || session.lost.signal.aborted) return;
    session.probing = true;
    session.client.ping({ timeout: PROBE_TIMEOUT_MS }).then(
      () => (session.probing = false),
      (pingErr: unknown) => lose(session, `unreachable (${errorMessage(err)}; ping: ${errorMessage(pingErr)})`),
    );
  };

  const open = async (): Promise<Session> => {
    const session: Session = {
      client: new Client(
        { name: "switchyard-agent", version: SWITCHYARD_VERSION },
        {
          listChanged: {
            tools: { autoRefresh: false, onChanged: () => relist(session, "the server announced a new tool list") },
          },
        },
      ),
      lost: new AbortController(),
      probing: false,
    };
    session.client.onclose = () => lose(session, "the connection closed (the server went away)");
    if (options.http !== undefined) session.client.onerror = (err) => probe(session, err);
    try {
      await session.client.connect(transportFor(options), { timeout: connectTimeoutMs });
    } catch (err) {
      throw new Error(`${where}: could not connect: ${errorMessage(err)}`, { cause: err });
    }
    return session;
  };
  const connected = async (): Promise<Session> => {
    if (stopped) throw new Error("the MCP connection is closed (the service is stopping)");
    if (current !== undefined) return current;
    reopening ??= open()
      .then((session) => {
        current = session;
        logger.info({ event: "mcp.reconnected" }, "MCP server connection re-opened");
        relist(session, "the connection was re-opened");
        return session;
      })
      .finally(() => (reopening = undefined));
    return reopening;
  };

  current = await open();
  const serverName = current.client.getServerVersion()?.name ?? "mcp";
  return {
    serverName,
    listTools: async () => listTools(await connected()),
    async callTool(name, args, meta, signal) {
      const session = await connected();
      try {
        const result = await session.client.callTool(
          { name, arguments: args as Record<string, unknown>, _meta: meta },
          undefined,
          { signal: AbortSignal.any([signal, session.lost.signal]), timeout: callTimeoutMs },
        );
        // Without a compatibility result schema the SDK parses with CallToolResultSchema: `content` is there.
        return result as CallToolResult;
      } catch (err) {
        // The SDK wraps an abort's reason in a timeout error: the reason the connection was lost says more.
        throw session.lost.signal.aborted && !signal.aborted ? (session.lost.signal.reason as Error) : err;
      }
    },
    async close() {
      stopped = true;
      const session = current ?? (await reopening?.catch(() => undefined));
      current = undefined;
      if (session === undefined) return;
      const transport = session.client.transport;
      if (transport instanceof StreamableHTTPClientTransport) {
        // Ends the session on the server too (HTTP DELETE), so it does not wait for it to time out.
        const timeout = new Promise((r) => setTimeout(r, TERMINATE_TIMEOUT_MS).unref());
        await Promise.race([transport.terminateSession().catch(() => {}), timeout]);
      }
      await session.client.close();
    },
  };
}

/** The SDK transport for `options`: a child process over stdio, or streamable HTTP. */
function transportFor(options: McpToolsOptions): StdioClientTransport | StreamableHTTPClientTransport {
  if (options.stdio !== undefined) {
    const { command, args, env, cwd } = options.stdio;
    // The server's stderr is this service's: its logs and crash reports stay visible.
    return new StdioClientTransport({ command, args, env, cwd, stderr: "inherit" });
  }
  const http = options.http as NonNullable<McpToolsOptions["http"]>;
  return new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers: http.headers } });
}
