import { SwitchyardError, type ErrorFault } from "@switchyard/infra";
import type { ModelErrorKind } from "./types.ts";

/**
 * Stable error codes of `@switchyard/models` (documented in `infra/README.md`): `SY_ERR_MODEL` for a failed model
 * call, `SY_ERR_MODEL_CONFIG` for a model string that cannot be resolved (bad syntax, missing key, unknown script).
 */
export type ModelsErrorCode = "SY_ERR_MODEL" | "SY_ERR_MODEL_CONFIG";

/** Base error of `@switchyard/models`. */
export class ModelsError<Code extends ModelsErrorCode = ModelsErrorCode> extends SwitchyardError<Code> {
  constructor(code: Code, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "ModelsError";
  }
}

/** A failed model call: `kind` says whether it was the model API (third party), our request, or an abort. */
export class ModelError extends ModelsError<"SY_ERR_MODEL"> {
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  constructor(kind: ModelErrorKind, message: string, options?: { cause?: unknown; status?: number }) {
    super("SY_ERR_MODEL", kind === "bad_request" ? "system" : "third_party", message, options);
    this.name = "ModelError";
    this.kind = kind;
    this.status = options?.status;
  }
}
