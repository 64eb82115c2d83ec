// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export type {
  ChatMessage,
  ModelErrorKind,
  ModelProvider,
  ModelRequest,
  ModelResponse,
  StopReason,
  ToolCall,
  ToolResultContent,
  ToolSpec,
} from "@switchyard/models";
