import { SwitchyardError, type ErrorFault } from "@switchyard/infra";

/** Stable error codes of `@switchyard/agent-protocol` (what to do: see the package README). */
export type AgentProtocolErrorCode =
  | "SY_ERR_PROTOCOL_CONFIG"
  | "SY_ERR_PROTOCOL_BAD_REQUEST"
  | "SY_ERR_PROTOCOL_NO_AGENT"
  | "SY_ERR_PROTOCOL_TOO_LARGE"
  | "SY_ERR_PROTOCOL_SERVICE_ERROR"
  | "SY_ERR_PROTOCOL_STALLED"
  | "SY_ERR_PROTOCOL_UNTERMINATED"
  | "SY_ERR_PROTOCOL_QUERY";

/** An error raised by the agent-protocol bridge or a call to a protocol agent. */
export class AgentProtocolError extends SwitchyardError<AgentProtocolErrorCode> {
  /** The protocol status code (`Nats-Service-Error-Code`) an agent answered with, for `SY_ERR_PROTOCOL_SERVICE_ERROR`. */
  readonly serviceCode?: number;

  constructor(
    code: AgentProtocolErrorCode,
    fault: ErrorFault,
    message: string,
    options?: { cause?: unknown; serviceCode?: number },
  ) {
    super(code, fault, message, options);
    this.name = "AgentProtocolError";
    this.serviceCode = options?.serviceCode;
  }
}
