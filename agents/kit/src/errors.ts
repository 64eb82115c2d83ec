import { SwitchyardError, type ErrorFault } from "@switchyard/infra";
import type { ModelErrorKind } from "./model/types.ts";

/** Stable error codes of `@switchyard/agent-kit` (documented in its README). */
export type AgentKitErrorCode = "SY_ERR_AGENT_DEFINITION" | "SY_ERR_MODEL";

/** An error raised by the agent kit, e.g. an invalid `defineAgent` spec. */
export class AgentKitError extends SwitchyardError<AgentKitErrorCode> {
  constructor(code: AgentKitErrorCode, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "AgentKitError";
  }
}

/** A failed model call: `kind` says whether it was the model API (third party), our request, or an abort. */
export class ModelError extends SwitchyardError<"SY_ERR_MODEL"> {
  readonly kind: ModelErrorKind;
  readonly status: number | undefined;
  constructor(kind: ModelErrorKind, message: string, options?: { cause?: unknown; status?: number }) {
    super("SY_ERR_MODEL", kind === "bad_request" ? "system" : "third_party", message, options);
    this.name = "ModelError";
    this.kind = kind;
    this.status = options?.status;
  }
}
