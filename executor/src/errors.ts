import { SwitchyardError, type ErrorFault } from "@switchyard/infra";

/** Stable error codes of `@switchyard/executor` (documented in `infra/README.md` and the executor's README). */
export type ExecutorErrorCode = "SY_ERR_ACTION_DEFINITION" | "SY_ERR_CONFIG_INVALID" | "SY_ERR_PAYMENTS";

/** An error raised by the executor: a bad `defineAction`/`serveExecutor` option, bad env, or a failing payments API. */
export class ExecutorError extends SwitchyardError<ExecutorErrorCode> {
  constructor(code: ExecutorErrorCode, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "ExecutorError";
  }
}
