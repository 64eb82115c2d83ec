import { describe, expect, it } from "vitest";
import { checkVersion } from "./version.ts";

describe("checkVersion", () => {
  it("accepts 1.0 (any patch) from the header or the query, and refuses others naming what to send", () => {
    expect(() => checkVersion("1.0", undefined)).not.toThrow();
    expect(() => checkVersion(undefined, "1.0.1")).not.toThrow();
    expect(() => checkVersion(undefined, undefined)).toThrow(/"0\.3" \(a request without an A2A-Version header/);
    expect(() => checkVersion("0.3", undefined)).toThrow(/send the header "A2A-Version: 1\.0"/);
  });
});
