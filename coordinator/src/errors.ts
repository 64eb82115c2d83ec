import { SwitchyardError, type ErrorFault } from "@switchyard/infra";

/** Stable error codes of `@switchyard/coordinator` (documented in its README). */
export type CoordinatorErrorCode = "SY_ERR_TEMPLATES_INVALID" | "SY_ERR_QUOTAS_INVALID" | "SY_ERR_CONFIG_INVALID";

/** An error raised by the coordinator at start-up (bad configuration); goal-level errors are GoalResults. */
export class CoordinatorError extends SwitchyardError<CoordinatorErrorCode> {
  constructor(code: CoordinatorErrorCode, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "CoordinatorError";
  }
}
