import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { findOrder } from "./orders.ts";

/** A LangChain tool over the in-memory order table: read-only, so the agent may call it freely. */
export const lookupOrderTool = tool(
  async ({ orderId }) => {
    const order = findOrder(orderId);
    return JSON.stringify(order ?? { error: `no order ${orderId}` });
  },
  {
    name: "lookup_order",
    description: "Looks an order up by id (e.g. A-1001): its items, total and status.",
    schema: z.object({ orderId: z.string().min(1).describe("The order id.") }),
  },
);
