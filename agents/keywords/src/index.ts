export { extractKeywords, keywordsAgent, KeywordsInput, KeywordsOutput } from "./agent.ts";
