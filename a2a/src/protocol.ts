// The A2A v1.0 objects the gateway sends, in their JSON form: camelCase fields, enums by their proto names
// (`TASK_STATE_COMPLETED`, `ROLE_AGENT`), a Part's content as one of `text`, `raw`, `url` or `data` (spec §4, §5.5).

/** The protocol version this gateway speaks (`A2A-Version`, and its card's interfaces). */
export const A2A_PROTOCOL_VERSION = "1.0";

/** Where the agent card is served (spec §8.2). */
export const AGENT_CARD_PATH = "/.well-known/agent-card.json";

/** Where the JSON-RPC binding is served. */
export const JSON_RPC_PATH = "/a2a";

/** The lifecycle state of a task. */
export type TaskState =
  | "TASK_STATE_SUBMITTED"
  | "TASK_STATE_WORKING"
  | "TASK_STATE_COMPLETED"
  | "TASK_STATE_FAILED"
  | "TASK_STATE_CANCELED"
  | "TASK_STATE_INPUT_REQUIRED"
  | "TASK_STATE_REJECTED"
  | "TASK_STATE_AUTH_REQUIRED";

/** States after which a task changes no more. */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set([
  "TASK_STATE_COMPLETED",
  "TASK_STATE_FAILED",
  "TASK_STATE_CANCELED",
  "TASK_STATE_REJECTED",
]);

/** States in which a task waits for its client (or a person) before it goes on. */
export const INTERRUPTED_STATES: ReadonlySet<TaskState> = new Set([
  "TASK_STATE_INPUT_REQUIRED",
  "TASK_STATE_AUTH_REQUIRED",
]);

/** A section of content: exactly one of `text`, `raw` (base64), `url` or `data` (any JSON value). */
export type Part = {
  text?: string;
  raw?: string;
  url?: string;
  data?: unknown;
  mediaType?: string;
  filename?: string;
  metadata?: Record<string, unknown>;
};

/** One unit of communication between a client (`ROLE_USER`) and the agent (`ROLE_AGENT`). */
export type Message = {
  messageId: string;
  contextId?: string;
  taskId?: string;
  role: "ROLE_USER" | "ROLE_AGENT";
  parts: Part[];
  metadata?: Record<string, unknown>;
};

export type TaskStatus = { state: TaskState; message?: Message; timestamp?: string };

/** A task's output. */
export type Artifact = {
  artifactId: string;
  name?: string;
  description?: string;
  parts: Part[];
  metadata?: Record<string, unknown>;
};

export type Task = {
  id: string;
  contextId: string;
  status: TaskStatus;
  artifacts?: Artifact[];
  history?: Message[];
  metadata?: Record<string, unknown>;
};

export type TaskStatusUpdateEvent = {
  taskId: string;
  contextId: string;
  status: TaskStatus;
  metadata?: Record<string, unknown>;
};

export type TaskArtifactUpdateEvent = {
  taskId: string;
  contextId: string;
  artifact: Artifact;
  append?: boolean;
  lastChunk?: boolean;
};

/** One event of a stream (`SendStreamingMessage`, `SubscribeToTask`): one of its four members. */
export type StreamResponse =
  | { task: Task }
  | { message: Message }
  | { statusUpdate: TaskStatusUpdateEvent }
  | { artifactUpdate: TaskArtifactUpdateEvent };

/** What a skill of the agent card says. */
export type AgentSkill = {
  id: string;
  name: string;
  description: string;
  tags: string[];
  examples?: string[];
  inputModes?: string[];
  outputModes?: string[];
};

/** The agent card (spec §4.4.1), as far as this gateway fills it. */
export type AgentCard = {
  name: string;
  description: string;
  supportedInterfaces: Array<{ url: string; protocolBinding: string; protocolVersion: string }>;
  version: string;
  documentationUrl?: string;
  capabilities: { streaming: boolean; pushNotifications: boolean; extendedAgentCard: boolean };
  securitySchemes?: Record<string, unknown>;
  securityRequirements?: Array<Record<string, unknown>>;
  defaultInputModes: string[];
  defaultOutputModes: string[];
  skills: AgentSkill[];
};
