import type { CallToolResult, ContentBlock } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";

/** What an MCP tool returns to the model: its text content, and its structured content when it sends one. */
export const McpToolOutput = z.object({
  text: z.string(),
  structuredContent: z.record(z.string(), z.unknown()).optional(),
});
export type McpToolOutput = z.infer<typeof McpToolOutput>;

/** The server answered the call with `isError: true`: the model sees the server's message as a tool error. */
export class McpToolCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "McpToolCallError";
  }
}

/**
 * A `tools/call` result as the tool's output: the text parts joined, other parts named (so nothing disappears
 * silently), `structuredContent` as is. A result with `isError: true` throws {@link McpToolCallError}.
 */
export function toolOutputOf(result: Pick<CallToolResult, "content" | "structuredContent" | "isError">): McpToolOutput {
  const text = (result.content ?? []).map(describeContent).join("\n");
  if (result.isError === true) throw new McpToolCallError(text === "" ? "the server reported an error" : text);
  return result.structuredContent === undefined ? { text } : { text, structuredContent: result.structuredContent };
}

/** One content part as text: text as is, an embedded text resource's text, anything else as a short placeholder. */
function describeContent(part: ContentBlock): string {
  switch (part.type) {
    case "text":
      return part.text;
    case "resource":
      return "text" in part.resource
        ? part.resource.text
        : `[binary resource ${part.resource.uri}${mime(part.resource.mimeType)}]`;
    case "resource_link":
      return `[resource ${part.uri}${mime(part.mimeType)}]`;
    case "image":
    case "audio":
      return `[${part.type}${mime(part.mimeType)}, not shown]`;
    default:
      return `[unsupported ${String((part as { type?: unknown }).type)} content]`;
  }
}

const mime = (type: string | undefined) => (type === undefined ? "" : ` (${type})`);
