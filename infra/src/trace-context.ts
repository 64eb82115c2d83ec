import { randomBytes } from "node:crypto";

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a W3C `traceparent` header, or `undefined` when the header is absent or malformed. */
export function traceIdFrom(traceparent: string | undefined): string | undefined {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (m === null || /^0+$/.test(m[1] ?? "")) return undefined;
  return m[1];
}

/** A new random W3C trace id. */
export function newTraceId(): string {
  return randomBytes(16).toString("hex");
}

/** A `traceparent` header for `traceId` with a new span id, sampled. */
export function traceparentFor(traceId: string): string {
  return `00-${traceId}-${randomBytes(8).toString("hex")}-01`;
}
