// The JSON-RPC methods the gateway answers (A2A v1.0 names, spec §5.3), and a clear error for every other name.
import { A2aError } from "./errors.ts";
import type { GatewayContext } from "./gateway-context.ts";
import { cancelTask } from "./methods/cancel-task.ts";
import { getTask } from "./methods/get-task.ts";
import type { RequestScope } from "./methods/request-scope.ts";
import { sendMessage } from "./methods/send-message.ts";
import { streamMessage } from "./methods/stream-message.ts";
import { subscribeToTask } from "./methods/subscribe-task.ts";
import type { StreamResponse } from "./protocol.ts";
import {
  CancelTaskParams,
  GetTaskParams,
  parseParams,
  SendMessageParams,
  SubscribeToTaskParams,
} from "./request-params.ts";

/** A method answered with one result. */
export type UnaryMethod = {
  kind: "unary";
  run(ctx: GatewayContext, scope: RequestScope, params: unknown): Promise<unknown>;
};

/** A method answered with a Server-Sent Events stream of results. */
export type StreamingMethod = {
  kind: "stream";
  open(ctx: GatewayContext, scope: RequestScope, params: unknown): Promise<AsyncIterable<StreamResponse>>;
};

/** The methods served, by their A2A v1.0 JSON-RPC names. */
export const METHODS: Readonly<Record<string, UnaryMethod | StreamingMethod>> = {
  SendMessage: { kind: "unary", run: (ctx, s, p) => sendMessage(ctx, s, parseParams(SendMessageParams, p)) },
  SendStreamingMessage: {
    kind: "stream",
    open: (ctx, s, p) => streamMessage(ctx, s, parseParams(SendMessageParams, p)),
  },
  GetTask: { kind: "unary", run: (ctx, s, p) => getTask(ctx, s, parseParams(GetTaskParams, p)) },
  CancelTask: { kind: "unary", run: (ctx, s, p) => cancelTask(ctx, s, parseParams(CancelTaskParams, p)) },
  SubscribeToTask: {
    kind: "stream",
    open: (ctx, s, p) => subscribeToTask(ctx, s, parseParams(SubscribeToTaskParams, p)),
  },
};

const PUSH = "push notifications are not supported by this agent (capabilities.pushNotifications is false)";

/** A2A v1.0 methods this gateway does not offer, with the error the spec prescribes for each (§3.3.4). */
const NOT_OFFERED: Readonly<Record<string, () => A2aError>> = {
  ListTasks: () =>
    new A2aError(
      "SY_ERR_A2A_UNSUPPORTED_OPERATION",
      "ListTasks is not supported by this agent: read a task by its id with GetTask",
    ),
  GetExtendedAgentCard: () =>
    new A2aError(
      "SY_ERR_A2A_UNSUPPORTED_OPERATION",
      "this agent has no extended agent card (capabilities.extendedAgentCard is false)",
    ),
  CreateTaskPushNotificationConfig: () => new A2aError("SY_ERR_A2A_PUSH_NOT_SUPPORTED", PUSH),
  GetTaskPushNotificationConfig: () => new A2aError("SY_ERR_A2A_PUSH_NOT_SUPPORTED", PUSH),
  ListTaskPushNotificationConfigs: () => new A2aError("SY_ERR_A2A_PUSH_NOT_SUPPORTED", PUSH),
  DeleteTaskPushNotificationConfig: () => new A2aError("SY_ERR_A2A_PUSH_NOT_SUPPORTED", PUSH),
};

/** The A2A v0.3 method names, and their v1.0 names: a v0.3 client is told what to send instead. */
const V03_NAMES: Readonly<Record<string, string>> = {
  "message/send": "SendMessage",
  "message/stream": "SendStreamingMessage",
  "tasks/get": "GetTask",
  "tasks/cancel": "CancelTask",
  "tasks/resubscribe": "SubscribeToTask",
  "tasks/list": "ListTasks",
  "tasks/pushNotificationConfig/set": "CreateTaskPushNotificationConfig",
  "tasks/pushNotificationConfig/get": "GetTaskPushNotificationConfig",
  "tasks/pushNotificationConfig/list": "ListTaskPushNotificationConfigs",
  "tasks/pushNotificationConfig/delete": "DeleteTaskPushNotificationConfig",
  "agent/getAuthenticatedExtendedCard": "GetExtendedAgentCard",
};

/** The method called `name`; an error naming what to call instead for anything else. */
export function methodFor(name: string): UnaryMethod | StreamingMethod {
  const method = Object.hasOwn(METHODS, name) ? METHODS[name] : undefined;
  if (method !== undefined) return method;
  const notOffered = Object.hasOwn(NOT_OFFERED, name) ? NOT_OFFERED[name] : undefined;
  if (notOffered !== undefined) throw notOffered();
  const v1 = Object.hasOwn(V03_NAMES, name) ? V03_NAMES[name] : undefined;
  const hint =
    v1 === undefined
      ? `the methods are ${Object.keys(METHODS).join(", ")}`
      : `"${name}" is the A2A 0.3 name; this agent speaks A2A 1.0: call "${v1}"`;
  throw new A2aError("SY_ERR_A2A_METHOD_NOT_FOUND", `method "${name}" not found: ${hint}`, {
    details: { method: name },
  });
}
