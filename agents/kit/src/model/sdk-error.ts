// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export { invalidResponse, kindForStatus, toModelError, type SdkErrorClasses } from "@switchyard/models";
