// JSON-RPC 2.0 envelopes (https://www.jsonrpc.org/specification): reading a request, writing a result or an error.
import { errorMessage } from "@switchyard/infra";
import { A2aError } from "./errors.ts";

/** A request id: echoed in the response. `null` when the request's own id could not be read. */
export type RpcId = string | number | null;

/** A request the gateway can dispatch. */
export type RpcRequest = { id: string | number; method: string; params: unknown };

/** A request read from a body, or the error to answer with (and the id to answer it under). */
export type RpcParse = { ok: true; request: RpcRequest } | { ok: false; id: RpcId; error: A2aError };

const isId = (v: unknown): v is string | number => typeof v === "string" || (typeof v === "number" && isFinite(v));

const invalid = (id: RpcId, message: string): RpcParse => ({
  ok: false,
  id,
  error: new A2aError("SY_ERR_A2A_INVALID_REQUEST", `invalid JSON-RPC request: ${message}`),
});

/** Reads one JSON-RPC request from an HTTP body; anything else is a parse or invalid-request error naming the rule. */
export function parseRpcRequest(body: string): RpcParse {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch (err) {
    return {
      ok: false,
      id: null,
      error: new A2aError("SY_ERR_A2A_PARSE", `the request body is not valid JSON: ${errorMessage(err)}`),
    };
  }
  if (Array.isArray(raw)) return invalid(null, "batches are not supported: send one request per HTTP request");
  if (typeof raw !== "object" || raw === null) return invalid(null, "the body must be a JSON-RPC request object");
  const r = raw as Record<string, unknown>;
  const id = isId(r["id"]) ? r["id"] : null;
  if (r["jsonrpc"] !== "2.0") return invalid(id, 'jsonrpc must be "2.0"');
  // A notification (no id) gets no answer in JSON-RPC; every A2A method has one to give, so an id is required.
  if (id === null) return invalid(null, "id must be a string or a number (notifications are not supported)");
  const method = r["method"];
  if (typeof method !== "string" || method === "") return invalid(id, "method must be a non-empty string");
  const params = r["params"];
  if (params !== undefined && (typeof params !== "object" || params === null)) {
    return invalid(id, "params must be an object");
  }
  return { ok: true, request: { id, method, params } };
}

/** A successful response. */
export function rpcResult(id: RpcId, result: unknown): Record<string, unknown> {
  return { jsonrpc: "2.0", id, result };
}

/** An error response. */
export function rpcError(id: RpcId, error: A2aError): Record<string, unknown> {
  return { jsonrpc: "2.0", id, error: error.toJsonRpc() };
}
