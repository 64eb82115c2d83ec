export { reportAgent, ReportInput, ReportOutput, writeReport } from "./agent.ts";
