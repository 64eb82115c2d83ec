import { z } from "zod";

/** A customer record, as `get_customer` returns it. */
export const Customer = z.object({
  customerId: z.string(),
  name: z.string(),
  email: z.string(),
  tier: z.enum(["standard", "gold"]),
  customerSince: z.string().describe("ISO date of the first order."),
});
export type Customer = z.infer<typeof Customer>;

/** The customer fixture. C-42 is the customer of the support demo. */
export const CUSTOMERS: readonly Customer[] = [
  {
    customerId: "C-42",
    name: "Dana Whitfield",
    email: "dana.whitfield@example.com",
    tier: "standard",
    customerSince: "2021-03-14",
  },
  { customerId: "C-7", name: "Ravi Menon", email: "ravi.menon@example.com", tier: "gold", customerSince: "2018-11-02" },
  {
    customerId: "C-108",
    name: "Ines Duarte",
    email: "ines.duarte@example.com",
    tier: "standard",
    customerSince: "2024-06-30",
  },
];

/** The customer with this id; throws naming the id when there is none. */
export function findCustomer(customerId: string): Customer {
  const customer = CUSTOMERS.find((c) => c.customerId === customerId);
  if (customer === undefined) throw new Error(`unknown customer "${customerId}": no customer has this id`);
  return customer;
}
