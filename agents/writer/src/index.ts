export { writerAgent } from "./agent.ts";
export { Classification, Research, WriterInput, WriterOutput, type Reply } from "./schema.ts";
export { draftReply, WRITER_SCRIPT } from "./script.ts";
