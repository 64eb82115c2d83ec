export { createCoordinator, DEFAULT_GOAL_MS, DEFAULT_PLAN } from "./coordinator.ts";
export { CoordinatorEnv, loadCoordinatorEnv } from "./config.ts";
export { CoordinatorError } from "./errors.ts";
export { findCycle, readySubtasks, sinks } from "./dag.ts";
export {
  acceptedRecord,
  applyResult,
  claimDispatch,
  markAnnounced,
  markPublished,
  refusedRecord,
} from "./goal-state.ts";
export { choosePlan } from "./intake.ts";
export { resolveTemplateInput } from "./template-input.ts";
export {
  BUILTIN_TEMPLATES,
  loadTemplateCatalog,
  parseTemplateCatalog,
  TemplateCatalog,
  TemplatePlan,
} from "./template-plans.ts";
export type { Coordinator, CoordinatorOptions } from "./coordinator.ts";
export type { CoordinatorErrorCode } from "./errors.ts";
export type { ReferenceScope } from "./template-input.ts";
