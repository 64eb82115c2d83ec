import { z } from "zod";

// The refunds agent's own copy of the order fixture (packages never import each other); keep it in step with
// the researcher's.

/** An order record, as `get_order` returns it. */
export const Order = z.object({
  orderId: z.string(),
  customerId: z.string(),
  items: z.array(z.string()),
  totalUsd: z.number().nonnegative(),
  status: z.enum(["processing", "shipped", "delivered", "cancelled"]),
  // Relative rather than a date, so the fixture never ages out of the refund window.
  deliveredDaysAgo: z.int().nonnegative().optional().describe("Days since delivery; absent until delivered."),
});
export type Order = z.infer<typeof Order>;

/**
 * The order fixture. A-1001 is the support demo's order: 129.00 USD, delivered 12 days ago — inside the 30-day
 * refund window and above the 50 USD automatic-approval limit, so its refund waits for a person.
 */
export const ORDERS: readonly Order[] = [
  {
    orderId: "A-1001",
    customerId: "C-42",
    items: ["Trail running shoes"],
    totalUsd: 129,
    status: "delivered",
    deliveredDaysAgo: 12,
  },
  {
    orderId: "A-1002",
    customerId: "C-42",
    items: ["Merino socks, 3 pack"],
    totalUsd: 24,
    status: "delivered",
    deliveredDaysAgo: 5,
  },
  {
    orderId: "A-1003",
    customerId: "C-7",
    items: ["Rain jacket"],
    totalUsd: 89,
    status: "delivered",
    deliveredDaysAgo: 45,
  },
  { orderId: "A-1004", customerId: "C-108", items: ["Headlamp"], totalUsd: 35, status: "shipped" },
];

/** The order with this id; throws naming the id when there is none. */
export function findOrder(orderId: string): Order {
  const order = ORDERS.find((o) => o.orderId === orderId);
  if (order === undefined) throw new Error(`unknown order "${orderId}": no order has this id`);
  return order;
}
