import { describe, expect, it } from "vitest";
import { toHeaders } from "./publish.ts";

describe("toHeaders", () => {
  it("strips CR/LF and other control characters from values that came from outside, so a header cannot break", () => {
    const h = toHeaders({ traceparent: "00-abc\r\nInjected: yes", "sy-user": "ana\u0000\u0007" });
    expect(h?.get("traceparent")).toBe("00-abcInjected: yes");
    expect(h?.get("sy-user")).toBe("ana");
  });

  it("caps long values and drops names NATS would refuse, undefined values and values left empty", () => {
    const h = toHeaders({
      "sy-tenant": "x".repeat(5_000),
      "bad name": "v",
      "bad:name": "v",
      "sy-empty": "\r\n",
      "sy-none": undefined,
    });
    expect(h?.get("sy-tenant")).toHaveLength(1_024);
    expect(h?.has("bad name")).toBe(false);
    expect(h?.has("bad:name")).toBe(false);
    expect(h?.has("sy-empty")).toBe(false);
    expect(h?.has("sy-none")).toBe(false);
  });

  it("returns no headers when nothing is left", () => {
    expect(toHeaders(undefined)).toBeUndefined();
    expect(toHeaders({ "sy-x": undefined })).toBeUndefined();
  });
});
