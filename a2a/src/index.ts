export { buildAgentCard, createAgentCardSource, AGENT_CARD_TTL_MS } from "./agent-card.ts";
export type { AgentCardInput, AgentCardSource, AgentCardSourceOptions, ServedCard } from "./agent-card.ts";
export { authenticate } from "./authentication.ts";
export type { Caller } from "./authentication.ts";
export {
  A2aEnv,
  checkIdentity,
  DEFAULT_A2A_PORT,
  DEFAULT_A2A_USER,
  DEFAULT_A2A_WAIT_MS,
  gatewayIdentity,
  loadA2aConfig,
} from "./config.ts";
export type { A2aConfig } from "./config.ts";
export { A2aError } from "./errors.ts";
export type { A2aErrorCode, FieldViolation, JsonRpcError } from "./errors.ts";
export { startA2aGateway } from "./gateway.ts";
export type { A2aGatewayOptions, RunningA2aGateway } from "./gateway.ts";
export { goalFromMessage, GOAL_METADATA } from "./goal-from-message.ts";
export { createA2aApp, MAX_BODY_BYTES } from "./http-app.ts";
export { parseRpcRequest } from "./json-rpc.ts";
export {
  A2A_PROTOCOL_VERSION,
  AGENT_CARD_PATH,
  JSON_RPC_PATH,
  TERMINAL_STATES,
  INTERRUPTED_STATES,
} from "./protocol.ts";
export type {
  AgentCard,
  AgentSkill,
  Artifact,
  Message,
  Part,
  StreamResponse,
  Task,
  TaskArtifactUpdateEvent,
  TaskState,
  TaskStatus,
  TaskStatusUpdateEvent,
} from "./protocol.ts";
export { METHODS, methodFor } from "./rpc-methods.ts";
export { describeStep, stepUpdate } from "./step-updates.ts";
export { TASK_STATE_OF, taskOf, taskStateOf, viewOfRecord } from "./task-view.ts";
export type { GoalView } from "./task-view.ts";
export { checkVersion } from "./version.ts";
