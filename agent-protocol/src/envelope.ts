// The request envelope (§5): plain UTF-8 text, or a JSON object with a non-empty `prompt`. The same rules read a
// prompt and a caller's reply to a mid-stream query (§7.2).
import { describeIssues, toValidationIssues } from "@switchyard/infra";
import { z } from "zod";
import { AgentProtocolError } from "./errors.ts";

/** The JSON form of a request. Unknown top-level fields are allowed (§5.6) and kept. */
export const RequestEnvelope = z.looseObject({
  prompt: z.string().min(1, "must be a non-empty string"),
  attachments: z
    .array(z.looseObject({ filename: z.string(), content: z.string() }), "must be an array of { filename, content }")
    .optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

function badRequest(message: string): AgentProtocolError {
  return new AgentProtocolError("SY_ERR_PROTOCOL_BAD_REQUEST", "caller", message);
}

/** §5.3: after leading ASCII whitespace, a `{` commits the payload to JSON; anything else is the plain-text form. */
function looksLikeJson(text: string): boolean {
  return /^[\t\n\r ]*\{/.test(text);
}

/**
 * Reads a request payload (§5.3). Throws an `AgentProtocolError` (`SY_ERR_PROTOCOL_BAD_REQUEST`, answered with status
 * 400) naming the problem: an empty payload, bytes that are not UTF-8, a `{`-led payload that is not a JSON envelope,
 * or an envelope whose `prompt` is missing or empty.
 */
export function decodeEnvelope(data: Uint8Array, what = "prompt"): RequestEnvelope {
  if (data.length === 0) throw badRequest(`empty ${what}: send text or {"prompt": "..."}`);
  let text: string;
  try {
    text = STRICT_UTF8.decode(data);
  } catch {
    throw badRequest(`${what} is not valid UTF-8`);
  }
  if (!looksLikeJson(text)) return { prompt: text };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw badRequest(`${what} starts with "{" but is not valid JSON (${(err as Error).message})`);
  }
  const parsed = RequestEnvelope.safeParse(raw);
  if (!parsed.success) throw badRequest(`${what} envelope: ${describeIssues(toValidationIssues(parsed.error))}`);
  return parsed.data;
}

/** The JSON form of a request with just a prompt (what a caller sends; §5.1). */
export function encodeEnvelope(prompt: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ prompt }));
}
