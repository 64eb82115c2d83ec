// Moved to @switchyard/models (shared with the coordinator's planner); this path stays for existing imports.
export { costOf, modelPrice, registerModelPrices, type ModelPrice } from "@switchyard/models";
