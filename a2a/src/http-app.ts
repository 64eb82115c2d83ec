// The gateway over HTTP: the agent card at `/.well-known/agent-card.json`, and the JSON-RPC binding at `POST /a2a`
// — JSON for one result, Server-Sent Events for a stream (spec §9). Every failure is a JSON-RPC error; none crashes.
import { errorMessage } from "@switchyard/infra";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import { AGENT_CARD_TTL_MS, type AgentCardSource } from "./agent-card.ts";
import { authenticate } from "./authentication.ts";
import { A2aError } from "./errors.ts";
import type { GatewayContext } from "./gateway-context.ts";
import { parseRpcRequest, rpcError, rpcResult, type RpcId } from "./json-rpc.ts";
import { AGENT_CARD_PATH, JSON_RPC_PATH } from "./protocol.ts";
import { methodFor } from "./rpc-methods.ts";
import { checkVersion } from "./version.ts";

/** The largest request body accepted. */
export const MAX_BODY_BYTES = 1_000_000;
/** A comment line on idle streams, so proxies keep them open. */
const KEEPALIVE_MS = 15_000;

/**
 * Any error as one the client can be given. The system's own faults (the bus, the coordinator, what was not
 * foreseen) are logged too; what was not foreseen is answered as an internal error.
 */
function asA2aError(err: unknown, ctx: GatewayContext): A2aError {
  const error =
    err instanceof A2aError
      ? err
      : new A2aError("SY_ERR_A2A_INTERNAL", `internal error: ${errorMessage(err)}`, { cause: err });
  if (error.fault !== "caller") {
    ctx.logger.error({ event: "a2a.request_failed", code: error.code, err: error.message }, "request failed");
  }
  return error;
}

/** Answers one JSON-RPC request: parse, authenticate, check the version, find the method, run it. */
async function answerRpc(c: Context, ctx: GatewayContext): Promise<Response> {
  const parsed = parseRpcRequest(await c.req.text());
  if (!parsed.ok) return c.json(rpcError(parsed.id, parsed.error));
  const { id, method, params } = parsed.request;
  const ended = new AbortController();
  try {
    const caller = authenticate(ctx.config, (name) => c.req.header(name));
    checkVersion(c.req.header("A2A-Version"), c.req.query("A2A-Version"));
    const handler = methodFor(method);
    const scope = { caller, signal: AbortSignal.any([c.req.raw.signal, ended.signal]) };
    if (handler.kind === "unary") return c.json(rpcResult(id, await handler.run(ctx, scope, params)));
    const events = await handler.open(ctx, scope, params);
    return streamSSE(c, (stream) => relay(stream, events, id, ended, ctx));
  } catch (err) {
    const error = asA2aError(err, ctx);
    return c.json(rpcError(id, error), error.code === "SY_ERR_A2A_UNAUTHENTICATED" ? 401 : 200);
  }
}

/** Writes a stream's events as SSE `data:` lines, each a JSON-RPC response; a failure mid-stream is its last event. */
async function relay(
  stream: SSEStreamingApi,
  events: AsyncIterable<unknown>,
  id: RpcId,
  ended: AbortController,
  ctx: GatewayContext,
): Promise<void> {
  stream.onAbort(() => ended.abort());
  const keepalive = setInterval(() => void stream.write(": keepalive\n\n").catch(() => undefined), KEEPALIVE_MS);
  try {
    for await (const event of events) {
      if (stream.aborted) break;
      await stream.writeSSE({ data: JSON.stringify(rpcResult(id, event)) });
    }
  } catch (err) {
    if (!stream.aborted) await stream.writeSSE({ data: JSON.stringify(rpcError(id, asA2aError(err, ctx))) });
  } finally {
    clearInterval(keepalive);
    ended.abort();
  }
}

/** The gateway's HTTP app. */
export function createA2aApp(ctx: GatewayContext, cards: AgentCardSource): Hono {
  const app = new Hono();
  app.get(AGENT_CARD_PATH, async (c) => {
    const { card, etag } = await cards.get();
    c.header("ETag", etag);
    c.header("Cache-Control", `max-age=${AGENT_CARD_TTL_MS / 1000}`);
    if (c.req.header("If-None-Match") === etag) return c.body(null, 304);
    return c.json(card);
  });
  app.post(
    JSON_RPC_PATH,
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) =>
        c.json(
          rpcError(
            null,
            new A2aError("SY_ERR_A2A_INVALID_REQUEST", `the request body is larger than ${MAX_BODY_BYTES} bytes`),
          ),
          413,
        ),
    }),
    (c) => answerRpc(c, ctx),
  );
  app.notFound((c) =>
    c.json(
      {
        error:
          `no ${c.req.method} ${c.req.path} here: the agent card is at GET ${AGENT_CARD_PATH}, the JSON-RPC ` +
          `endpoint at POST ${JSON_RPC_PATH}`,
      },
      404,
    ),
  );
  app.onError((err, c) => c.json(rpcError(null, asA2aError(err, ctx)), 500));
  return app;
}
