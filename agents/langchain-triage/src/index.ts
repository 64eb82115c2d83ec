export { createTriageAgent, recursionLimitFor, TRIAGE_BUDGET, TRIAGE_RESULT_TOOL } from "./agent.ts";
export type { TriageAgentOptions } from "./agent.ts";
export { SwitchyardUsageCallback, tokensOf } from "./budget-callback.ts";
export { lookupOrderTool } from "./lookup-order-tool.ts";
export { triageModelFromEnv, TRIAGE_MODEL_ENV } from "./model-from-env.ts";
export { findOrder, Order, ORDERS } from "./orders.ts";
export { TriageInput, TriageOutput } from "./schema.ts";
