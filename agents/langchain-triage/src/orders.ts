import { z } from "zod";

/** An order record, as `lookup_order` returns it. */
export const Order = z.object({
  orderId: z.string(),
  items: z.array(z.string()),
  totalUsd: z.number().nonnegative(),
  status: z.enum(["processing", "shipped", "delivered", "cancelled"]),
});
export type Order = z.infer<typeof Order>;

/** The example's order table: small, in memory, enough for a lookup tool. */
export const ORDERS: readonly Order[] = [
  { orderId: "A-1001", items: ["Trail running shoes"], totalUsd: 129, status: "delivered" },
  { orderId: "A-1002", items: ["Merino socks, 3 pack"], totalUsd: 24, status: "shipped" },
  { orderId: "A-1003", items: ["Rain jacket"], totalUsd: 89, status: "processing" },
];

/** The order with this id, if there is one. */
export function findOrder(orderId: string): Order | undefined {
  return ORDERS.find((o) => o.orderId === orderId.trim().toUpperCase());
}
