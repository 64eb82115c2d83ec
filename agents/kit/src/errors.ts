import { SwitchyardError, type ErrorFault } from "@switchyard/infra";

/** Stable error codes of `@switchyard/agent-kit` (documented in `infra/README.md`). */
export type AgentKitErrorCode = "SY_ERR_AGENT_DEFINITION";

/** An error raised by the agent kit, e.g. an invalid `defineAgent` spec. */
export class AgentKitError extends SwitchyardError<AgentKitErrorCode> {
  constructor(code: AgentKitErrorCode, fault: ErrorFault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
    this.name = "AgentKitError";
  }
}

// A failed model call; its class lives with the providers in @switchyard/models.
export { ModelError } from "@switchyard/models";
