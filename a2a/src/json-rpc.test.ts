import { describe, expect, it } from "vitest";
import { parseRpcRequest } from "./json-rpc.ts";

describe("parseRpcRequest", () => {
  it("reads a request and refuses anything else with the JSON-RPC code and the rule it broke", () => {
    expect(parseRpcRequest('{"jsonrpc":"2.0","id":"a","method":"GetTask","params":{"id":"t"}}')).toEqual({
      ok: true,
      request: { id: "a", method: "GetTask", params: { id: "t" } },
    });
    const cases: Array<[string, number, RegExp]> = [
      ["{", -32700, /not valid JSON/],
      ["[]", -32600, /batches are not supported/],
      ['"x"', -32600, /request object/],
      ['{"jsonrpc":"2.0","method":"GetTask"}', -32600, /notifications are not supported/],
      ['{"jsonrpc":"2.0","id":1}', -32600, /method must be a non-empty string/],
      ['{"jsonrpc":"2.0","id":1,"method":"GetTask","params":3}', -32600, /params must be an object/],
    ];
    for (const [body, code, message] of cases) {
      const parsed = parseRpcRequest(body);
      if (parsed.ok) throw new Error(`${body} parsed`);
      expect(parsed.error.toJsonRpc(), body).toMatchObject({ code, message: expect.stringMatching(message) });
    }
  });
});
