// The pure parts of turning MCP tools into Switchyard tools: kinds, names, argument checks, results, list changes.
// The whole path against real servers is in test/agents/mcp-tools.test.ts.
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { describe, expect, it } from "vitest";
import { jsonSchemaInput } from "./json-schema-input.ts";
import { McpToolCallError, toolOutputOf } from "./mcp-result.ts";
import { kindOf, switchyardToolName } from "./mcp-tool.ts";
import { toolListChanges } from "./tool-list.ts";

const tool = (name: string, annotations?: Tool["annotations"], description = "d"): Tool => ({
  name,
  description,
  inputSchema: { type: "object" },
  annotations,
});

describe("kinds", () => {
  it("come from the annotations unless the author chose one", () => {
    expect(kindOf(tool("a", { readOnlyHint: true }), undefined)).toBe("read");
    expect(kindOf(tool("a", { destructiveHint: true }), undefined)).toBe("destructive");
    expect(kindOf(tool("a"), undefined)).toBe("write");
    expect(kindOf(tool("a", { readOnlyHint: false, destructiveHint: false }), undefined)).toBe("write");
    // Contradictory claims get the safer reading.
    expect(kindOf(tool("a", { readOnlyHint: true, destructiveHint: true }), undefined)).toBe("destructive");
    expect(kindOf(tool("a", { readOnlyHint: true }), "destructive")).toBe("destructive");
  });
});

it("names become Switchyard tool names", () => {
  expect(switchyardToolName("Get-Rows.v2")).toBe("get_rows_v2");
  expect(switchyardToolName("read", "files_")).toBe("files_read");
});

describe("arguments checked against the tool's JSON Schema", () => {
  const input = jsonSchemaInput({
    type: "object",
    properties: {
      to: { type: "string", format: "email" },
      items: { type: "array", items: { type: "object", properties: { qty: { type: "integer", minimum: 1 } } } },
    },
    required: ["to"],
    additionalProperties: false,
  });
  const problems = (value: unknown) => {
    const parsed = input.safeParse(value);
    return parsed.success ? "valid" : describeIssues(toValidationIssues(parsed.error));
  };

  it("name each field that breaks it", () => {
    expect(problems({ to: "ana@example.com", items: [{ qty: 2 }] })).toBe("valid");
    expect(problems({ items: [{ qty: 0 }] })).toBe("to: is required; items.0.qty: must be >= 1");
    expect(problems({ to: "not an address", cc: "x", bcc: "y" })).toBe(
      '(root): must NOT have additional properties: cc, bcc; to: must match format "email"',
    );
  });

  it("pass the arguments through unchanged", () => {
    const args = { to: "ana@example.com" };
    expect(input.parse(args)).toBe(args);
  });
});

describe("results", () => {
  it("join the text parts, name the others, and keep structured content", () => {
    const output = toolOutputOf({
      content: [
        { type: "text", text: "first" },
        { type: "image", data: "AAAA", mimeType: "image/png" },
        { type: "resource", resource: { uri: "file:///a.txt", text: "embedded" } },
        { type: "resource_link", uri: "file:///b.pdf", name: "b", mimeType: "application/pdf" },
      ],
      structuredContent: { count: 2 },
    });
    expect(output).toEqual({
      text: "first\n[image (image/png), not shown]\nembedded\n[resource file:///b.pdf (application/pdf)]",
      structuredContent: { count: 2 },
    });
  });

  it("with isError become a tool error carrying the server's text", () => {
    expect(() => toolOutputOf({ isError: true, content: [{ type: "text", text: "no such table" }] })).toThrow(
      new McpToolCallError("no such table"),
    );
    expect(() => toolOutputOf({ isError: true, content: [] })).toThrow("the server reported an error");
  });
});

it("a changed tool list is told apart by name: added, removed, changed", () => {
  const pinned = [tool("a"), tool("b"), tool("c")];
  expect(toolListChanges(pinned, [tool("a"), tool("b", undefined, "new text"), tool("d")])).toEqual({
    added: ["d"],
    removed: ["c"],
    changed: ["b"],
  });
  expect(toolListChanges(pinned, [...pinned].reverse())).toEqual({ added: [], removed: [], changed: [] });
});
