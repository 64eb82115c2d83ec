export { getCustomerTool, getOrderTool, researcherAgent, searchKbTool } from "./agent.ts";
export { ARTICLES, KbArticle } from "./data/articles.ts";
export { Customer, CUSTOMERS, findCustomer } from "./data/customers.ts";
export { findOrder, Order, ORDERS } from "./data/orders.ts";
export { ResearcherInput, ResearcherOutput, type Research } from "./schema.ts";
export { RESEARCHER_SCRIPT } from "./script.ts";
export { KbHit, KbSearchResult, searchKnowledgeBase } from "./search.ts";
