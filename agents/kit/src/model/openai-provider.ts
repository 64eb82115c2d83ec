// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export { createOpenAIProvider, type OpenAIProviderOptions } from "@switchyard/models";
