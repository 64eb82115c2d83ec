import { z } from "zod";

/** A policy article of the support knowledge base. */
export const KbArticle = z.object({
  id: z.string(),
  title: z.string(),
  /** Extra words that should find the article although its text does not use them. */
  tags: z.array(z.string()),
  body: z.string(),
});
export type KbArticle = z.infer<typeof KbArticle>;

/** The knowledge base fixture: a few short policies, enough for the support demo. */
export const ARTICLES: readonly KbArticle[] = [
  {
    id: "kb-refund-policy",
    title: "Refund policy",
    tags: ["refund", "money", "reimburse", "charge", "chargeback"],
    body:
      "Orders can be refunded within 30 days of delivery, up to the amount paid. Refunds up to 50 USD are approved " +
      "automatically; larger refunds are reviewed by a person before they are issued. Refunds go back to the " +
      "original payment method within 5-7 business days.",
  },
  {
    id: "kb-returns",
    title: "Returning an item",
    tags: ["return", "exchange", "label", "unused"],
    body:
      "Unused items can be returned in their original packaging within 30 days of delivery. Print the prepaid label " +
      "from the order page. The refund for a returned item is issued when it reaches our warehouse.",
  },
  {
    id: "kb-shipping-times",
    title: "Shipping times",
    tags: ["shipping", "delivery", "tracking", "express", "dispatch"],
    body:
      "Orders placed on a weekday ship within 24 hours. Standard shipping takes 3-5 business days, express 1-2. A " +
      "tracking link is emailed when the parcel leaves the warehouse.",
  },
  {
    id: "kb-late-or-lost",
    title: "Late or lost packages",
    tags: ["late", "lost", "missing", "package", "parcel", "arrive", "delayed"],
    body:
      "If a package has not arrived 10 business days after it shipped, we reship it or refund it, whichever the " +
      "customer prefers. Check the tracking link first: most late parcels are held at a local depot.",
  },
  {
    id: "kb-damaged-items",
    title: "Damaged or wrong items",
    tags: ["damaged", "broken", "wrong", "defective", "photo"],
    body:
      "Send a photo of a damaged or wrong item within 14 days of delivery; we replace or refund it without asking " +
      "for a return.",
  },
  {
    id: "kb-account-recovery",
    title: "Account recovery",
    tags: ["account", "login", "sign", "password", "locked", "email", "reset"],
    body:
      "Customers who cannot sign in can reset their password from the sign-in page. If they no longer have access " +
      "to their email, support verifies their identity with the last order number and the billing postcode before " +
      "changing the email address.",
  },
];
