import { ModelError } from "./errors.ts";
import type { ModelErrorKind } from "./types.ts";
import { isRecord } from "./reply-fields.ts";

// Both vendor SDKs (Stainless-generated) throw the same family of errors under different classes; a provider passes
// its SDK's classes and gets one translation to ModelError.

type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

/** The error classes of one model SDK. */
export type SdkErrorClasses = {
  /** Root of the SDK's own errors, e.g. a request the SDK refused to send. */
  SdkError: ErrorClass;
  /** An HTTP error response, or (subclasses below) an abort or a connection failure. */
  APIError: ErrorClass<Error & { status: number | undefined; error: unknown }>;
  APIUserAbortError: ErrorClass;
  /** Includes the SDK's own timeout. */
  APIConnectionError: ErrorClass;
};

/** The error a provider throws for a 2xx response it cannot understand. */
export function invalidResponse(provider: string, what: string): ModelError {
  return new ModelError("invalid_response", `${provider}: the model API returned an unusable response: ${what}`);
}

/** How an HTTP status of the model API fails the call. */
export function kindForStatus(status: number): ModelErrorKind {
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server"; // includes Anthropic's 529 overloaded
  if (status === 401 || status === 403) return "auth";
  if (status >= 400) return "bad_request";
  return "invalid_response";
}

/** Translates whatever a model SDK call threw into a {@link ModelError} that names the provider. */
export function toModelError(provider: string, err: unknown, signal: AbortSignal, sdk: SdkErrorClasses): ModelError {
  if (err instanceof ModelError) return err;
  // Checked before the status: an abort may surface as any error, depending on when it hit.
  if (signal.aborted || err instanceof sdk.APIUserAbortError) {
    return new ModelError("aborted", `${provider}: model call aborted${reasonSuffix(signal)}`, { cause: err });
  }
  if (err instanceof sdk.APIConnectionError) {
    return new ModelError("network", `${provider}: could not reach the model API: ${describe(err)}`, { cause: err });
  }
  if (err instanceof sdk.APIError && err.status !== undefined) {
    const status = err.status;
    return new ModelError(kindForStatus(status), `${provider}: model API answered HTTP ${status}: ${apiMessage(err)}`, {
      cause: err,
      status,
    });
  }
  if (err instanceof SyntaxError) {
    return new ModelError("invalid_response", `${provider}: the model API returned invalid JSON: ${err.message}`, {
      cause: err,
    });
  }
  // undici's errors for a connection dropped mid-body.
  if (err instanceof TypeError && /fetch failed|terminated|socket/i.test(err.message)) {
    return new ModelError("network", `${provider}: connection to the model API failed: ${describe(err)}`, {
      cause: err,
    });
  }
  // The SDK refused to send (missing credentials, an option it rejects): our configuration, not the API.
  const what = err instanceof sdk.SdkError ? "the SDK refused the request" : "the model call failed";
  return new ModelError("bad_request", `${provider}: ${what}: ${describe(err)}`, { cause: err });
}

/** The API's own error message: Anthropic `{error: {message}}`, OpenAI `{message}` (the SDK strips `error`). */
function apiMessage(err: Error & { error: unknown }): string {
  const body = err.error;
  if (isRecord(body)) {
    if (isRecord(body["error"]) && typeof body["error"]["message"] === "string") return body["error"]["message"];
    if (typeof body["message"] === "string") return body["message"];
  }
  return err.message;
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : "";
  return `${err.message}${cause}`;
}

function reasonSuffix(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return `: ${reason.message}`;
  if (typeof reason === "string") return `: ${reason}`;
  return "";
}
