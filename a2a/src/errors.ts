import { SwitchyardError, type ErrorFault } from "@switchyard/infra";

/**
 * Stable error codes of `@switchyard/a2a-gateway` (the table in its README says what to do about each). Every code but
 * the configuration one is answered to the A2A client as a JSON-RPC error.
 */
export type A2aErrorCode =
  | "SY_ERR_CONFIG_INVALID"
  | "SY_ERR_A2A_PARSE"
  | "SY_ERR_A2A_INVALID_REQUEST"
  | "SY_ERR_A2A_METHOD_NOT_FOUND"
  | "SY_ERR_A2A_INVALID_PARAMS"
  | "SY_ERR_A2A_INTERNAL"
  | "SY_ERR_A2A_UNAUTHENTICATED"
  | "SY_ERR_A2A_TASK_NOT_FOUND"
  | "SY_ERR_A2A_TASK_NOT_CANCELABLE"
  | "SY_ERR_A2A_PUSH_NOT_SUPPORTED"
  | "SY_ERR_A2A_UNSUPPORTED_OPERATION"
  | "SY_ERR_A2A_CONTENT_TYPE_NOT_SUPPORTED"
  | "SY_ERR_A2A_VERSION_NOT_SUPPORTED";

/** How a code travels: its JSON-RPC error code, the `google.rpc.ErrorInfo` reason, and who is at fault. */
type WireError = { jsonRpc: number; reason: string; fault: ErrorFault };

/** JSON-RPC 2.0 codes, the A2A v1.0 codes (spec §5.4), and -32000 (implementation-defined) for authentication. */
const WIRE: Record<A2aErrorCode, WireError> = {
  SY_ERR_CONFIG_INVALID: { jsonRpc: -32603, reason: "INTERNAL", fault: "caller" },
  SY_ERR_A2A_PARSE: { jsonRpc: -32700, reason: "PARSE_ERROR", fault: "caller" },
  SY_ERR_A2A_INVALID_REQUEST: { jsonRpc: -32600, reason: "INVALID_REQUEST", fault: "caller" },
  SY_ERR_A2A_METHOD_NOT_FOUND: { jsonRpc: -32601, reason: "METHOD_NOT_FOUND", fault: "caller" },
  SY_ERR_A2A_INVALID_PARAMS: { jsonRpc: -32602, reason: "INVALID_PARAMS", fault: "caller" },
  SY_ERR_A2A_INTERNAL: { jsonRpc: -32603, reason: "INTERNAL", fault: "system" },
  SY_ERR_A2A_UNAUTHENTICATED: { jsonRpc: -32000, reason: "UNAUTHENTICATED", fault: "caller" },
  SY_ERR_A2A_TASK_NOT_FOUND: { jsonRpc: -32001, reason: "TASK_NOT_FOUND", fault: "caller" },
  SY_ERR_A2A_TASK_NOT_CANCELABLE: { jsonRpc: -32002, reason: "TASK_NOT_CANCELABLE", fault: "caller" },
  SY_ERR_A2A_PUSH_NOT_SUPPORTED: { jsonRpc: -32003, reason: "PUSH_NOTIFICATION_NOT_SUPPORTED", fault: "caller" },
  SY_ERR_A2A_UNSUPPORTED_OPERATION: { jsonRpc: -32004, reason: "UNSUPPORTED_OPERATION", fault: "caller" },
  SY_ERR_A2A_CONTENT_TYPE_NOT_SUPPORTED: { jsonRpc: -32005, reason: "CONTENT_TYPE_NOT_SUPPORTED", fault: "caller" },
  SY_ERR_A2A_VERSION_NOT_SUPPORTED: { jsonRpc: -32009, reason: "VERSION_NOT_SUPPORTED", fault: "caller" },
};

/** One field that failed validation: where, and the rule it broke. */
export type FieldViolation = { field: string; description: string };

/** A JSON-RPC error object as it goes on the wire (`error` of a response; A2A spec §9.5). */
export type JsonRpcError = { code: number; message: string; data: Array<Record<string, unknown>> };

const A2A_DOMAIN = "a2a-protocol.org";

/**
 * An error the gateway answers with: a stable code, words the client can act on, and — for bad parameters — the
 * fields at fault. Thrown inside the gateway, turned into a JSON-RPC error object at its edge.
 */
export class A2aError extends SwitchyardError<A2aErrorCode> {
  readonly violations: FieldViolation[];
  /** Extra context for the client (`ErrorInfo.metadata`), e.g. the task id. Strings only, per `google.rpc`. */
  readonly details: Record<string, string>;

  constructor(
    code: A2aErrorCode,
    message: string,
    options: { cause?: unknown; violations?: FieldViolation[]; details?: Record<string, string> } = {},
  ) {
    super(code, WIRE[code].fault, message, options);
    this.name = "A2aError";
    this.violations = options.violations ?? [];
    this.details = options.details ?? {};
  }

  /** The JSON-RPC error object: code, message, and `google.rpc` details (ErrorInfo, BadRequest when fields broke). */
  toJsonRpc(): JsonRpcError {
    const wire = WIRE[this.code];
    const data: Array<Record<string, unknown>> = [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: wire.reason,
        domain: A2A_DOMAIN,
        metadata: { code: this.code, ...this.details },
      },
    ];
    if (this.violations.length > 0) {
      data.push({ "@type": "type.googleapis.com/google.rpc.BadRequest", fieldViolations: this.violations });
    }
    return { code: wire.jsonRpc, message: this.message, data };
  }
}

/** The task a client named does not exist, or is not the caller's: the two are not told apart (spec §3.3.2). */
export function taskNotFound(taskId: string): A2aError {
  return new A2aError("SY_ERR_A2A_TASK_NOT_FOUND", `task "${taskId}" not found`, { details: { taskId } });
}

/** Parameters that broke a rule, named field by field. */
export function invalidParams(violations: FieldViolation[]): A2aError {
  const summary = violations.map((v) => `${v.field}: ${v.description}`).join("; ");
  return new A2aError("SY_ERR_A2A_INVALID_PARAMS", `invalid parameters: ${summary}`, { violations });
}
