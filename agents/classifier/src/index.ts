export { classifierAgent } from "./agent.ts";
export { ClassifierInput, ClassifierOutput, type Classification } from "./schema.ts";
export { CLASSIFIER_SCRIPT, classifyTicket } from "./script.ts";
