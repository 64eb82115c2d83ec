// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export {
  createScriptedProvider,
  estimateTokens,
  findScript,
  registerScript,
  type Script,
  type ScriptContext,
  type ScriptedReply,
} from "@switchyard/models";
