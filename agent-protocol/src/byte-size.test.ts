import { expect, it } from "vitest";
import { formatByteSize, parseByteSize } from "./byte-size.ts";

it("formats and parses max_payload sizes in 1024s (§2.1)", () => {
  expect(formatByteSize(1024 * 1024)).toBe("1MB");
  expect(formatByteSize(8 * 1024 * 1024)).toBe("8MB");
  expect(formatByteSize(1536)).toBe("1536B");
  expect(parseByteSize("512KB")).toBe(512 * 1024);
  expect(parseByteSize("4gb")).toBe(4 * 1024 ** 3);
  expect(parseByteSize("1.5MB")).toBeUndefined();
  expect(parseByteSize("0B")).toBeUndefined();
  expect(() => formatByteSize(0)).toThrow(/positive integer/);
});
