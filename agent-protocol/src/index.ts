export { DEFAULT_HEARTBEAT_MS, DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_IN_FLIGHT, startAgentHost } from "./agent-host.ts";
export type { AgentHost, AgentHostOptions, PromptContext } from "./agent-host.ts";
export { BRIDGE_AGENT, bridgeAddress, startProtocolBridge } from "./bridge.ts";
export type { ProtocolBridge, ProtocolBridgeOptions } from "./bridge.ts";
export { BridgeEnv, loadBridgeConfig } from "./bridge-config.ts";
export type { BridgeConfig } from "./bridge-config.ts";
export { formatByteSize, parseByteSize } from "./byte-size.ts";
export { askCaller, queryReplySubject } from "./caller-query.ts";
export type { AskCallerOptions, QueryOutcome } from "./caller-query.ts";
export { ACK, decodeChunk, encodeChunk } from "./chunks.ts";
export type { Chunk } from "./chunks.ts";
export { agentFromInfo, DEFAULT_DISCOVERY_WAIT_MS, discoverProtocolAgents } from "./discovery.ts";
export type { DiscoveredAgent } from "./discovery.ts";
export { decodeEnvelope, encodeEnvelope, RequestEnvelope } from "./envelope.ts";
export { AgentProtocolError } from "./errors.ts";
export type { AgentProtocolErrorCode } from "./errors.ts";
export { HeartbeatPayload, heartbeatPayload, startHeartbeats } from "./heartbeat.ts";
export type { HeartbeatSource } from "./heartbeat.ts";
export { progressLine } from "./progress-lines.ts";
export { callProtocolAgent, DEFAULT_INACTIVITY_MS } from "./prompt-call.ts";
export type { ProtocolCallOptions, ProtocolCallResult } from "./prompt-call.ts";
export { ProtocolAgentInput, ProtocolAgentOutput, protocolAgent } from "./protocol-agent.ts";
export type { ProtocolAgentOptions, ProtocolTarget } from "./protocol-agent.ts";
export {
  agentSubjects,
  assertSubjectToken,
  ENDPOINT,
  ERROR_HEADERS,
  PROTOCOL_QUEUE_GROUP,
  PROTOCOL_SERVICE,
  PROTOCOL_VERSION,
} from "./protocol.ts";
export type { AgentAddress, AgentSubjects, ProtocolErrorCode } from "./protocol.ts";
export { openReplyStream, refuseRequest } from "./reply-stream.ts";
export type { ReplyStream, ReplyStreamOptions } from "./reply-stream.ts";
