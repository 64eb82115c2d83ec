// One error class for the package, with a stable code and who is at fault.

/** Stable codes of {@link EvalError}. */
export type EvalErrorCode =
  /** A suite file does not parse or a case breaks the schema: the message names file:line and the field. */
  | "SY_ERR_EVAL_SUITE_INVALID"
  /** A baseline file does not parse. */
  | "SY_ERR_EVAL_BASELINE_INVALID"
  /** A custom scorer module could not be loaded or did not return `{ score, reason }`. */
  | "SY_ERR_EVAL_SCORER";

/** An error of the eval harness; `fault` says whether the caller's files or the system is at fault. */
export class EvalError extends Error {
  readonly code: EvalErrorCode;
  readonly fault: "caller" | "system";
  constructor(code: EvalErrorCode, fault: "caller" | "system", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EvalError";
    this.code = code;
    this.fault = fault;
  }
}
