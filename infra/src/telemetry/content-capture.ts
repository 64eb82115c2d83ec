/**
 * Opt-in capture of prompts and completions on model-call spans (`gen_ai.input.messages`, `gen_ai.output.messages`,
 * `gen_ai.system_instructions`). Off by default: prompts carry customer data. On with
 * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true` (or `span_only`, `span_and_event`); each attribute is cut
 * at `SY_TRACE_CONTENT_MAX_CHARS` (default 16,000) and passes through the redaction hook first.
 */
export type ContentCapture = {
  enabled: boolean;
  maxChars: number;
  /** Applied to every text in the captured messages before the cap: mask emails, account numbers, … */
  redact: (text: string) => string;
};

const DEFAULT_MAX_CHARS = 16_000;
const ON_VALUES = new Set(["true", "span_only", "span_and_event"]);
const IDENTITY = (text: string) => text;

let capture: ContentCapture = { enabled: false, maxChars: DEFAULT_MAX_CHARS, redact: IDENTITY };

/** Reads the switches from the environment (called by `initTelemetry`); a bad size fails at start-up, by name. */
export function configureContentCapture(env: NodeJS.ProcessEnv): ContentCapture {
  const flag = (env["OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"] ?? "").trim().toLowerCase();
  const rawMax = env["SY_TRACE_CONTENT_MAX_CHARS"];
  const maxChars = rawMax === undefined || rawMax === "" ? DEFAULT_MAX_CHARS : Number(rawMax);
  if (!Number.isInteger(maxChars) || maxChars <= 0) {
    throw new Error(`SY_TRACE_CONTENT_MAX_CHARS="${rawMax}" is not a positive whole number of characters`);
  }
  capture = { ...capture, enabled: ON_VALUES.has(flag), maxChars };
  return capture;
}

/** Installs a redaction hook for captured content (e.g. from an agent service's options). */
export function setContentRedactor(redact: (text: string) => string): void {
  capture = { ...capture, redact };
}

/** Whether content is captured: callers skip building the messages when it is not. */
export function capturingContent(): boolean {
  return capture.enabled;
}

/**
 * A captured value as the attribute's JSON string: every text redacted, then, over the cap, every long text cut to
 * its share of it (with a marker saying how much went), so the attribute stays valid JSON that backends can render.
 */
export function contentAttribute(value: unknown): string {
  const redacted = mapStrings(value, capture.redact);
  const json = JSON.stringify(redacted) ?? "null";
  if (json.length <= capture.maxChars) return json;
  const share = Math.max(MIN_SHARE, Math.floor(capture.maxChars / Math.max(1, countStrings(redacted))));
  const cut = JSON.stringify(mapStrings(redacted, (text) => cutTo(text, share))) ?? "null";
  // Many short texts can still add up past the cap: then the JSON itself is cut, as a last resort.
  return cut.length <= capture.maxChars ? cut : cutTo(cut, capture.maxChars);
}

const MIN_SHARE = 200;

function cutTo(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…[${text.length - max} characters cut]`;
}

function mapStrings(value: unknown, f: (text: string) => string): unknown {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  }
  return value;
}

function countStrings(value: unknown): number {
  if (typeof value === "string") return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countStrings(v), 0);
  if (typeof value === "object" && value !== null) return countStrings(Object.values(value));
  return 0;
}
