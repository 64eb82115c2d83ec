// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export { modelFromEnv, resolveModel, type ModelChoice, type ResolvedModel } from "@switchyard/models";
