/** Who has to act on an error: the caller sent something wrong, our system failed, or a third party (NATS, a model API) did. */
export type ErrorFault = "caller" | "system" | "third_party";

/**
 * Stable error codes of `@switchyard/infra`. Each one is documented in `infra/README.md` with what to do.
 */
export type InfraErrorCode =
  | "SY_ERR_CONFIG_INVALID"
  | "SY_ERR_NATS_CONNECT"
  | "SY_ERR_NATS_SERVER_UNAVAILABLE"
  | "SY_ERR_TOPOLOGY"
  | "SY_ERR_PUBLISH_INVALID"
  | "SY_ERR_KV_CONFLICT"
  | "SY_ERR_NO_CREDENTIALS"
  | "SY_ERR_NATS_AUTH"
  | "SY_ERR_AUTH_DIR";

/** Base error of Switchyard packages: a stable `code`, who is at fault, and the original `cause`. */
export class SwitchyardError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly fault: ErrorFault;

  constructor(code: Code, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SwitchyardError";
    this.code = code;
    this.fault = fault;
  }
}

/** An error raised by `@switchyard/infra`. */
export class InfraError extends SwitchyardError<InfraErrorCode> {
  constructor(code: InfraErrorCode, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "InfraError";
  }
}

/** The message of anything thrown, for logs and failure records. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === "string" ? err : JSON.stringify(err);
}
