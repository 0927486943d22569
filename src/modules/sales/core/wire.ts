// The shapes every flow's routes share: transaction and terminal ids, and a stored transaction
// as the API shows it (docs/API.md#transactions).
import { z } from "@hono/zod-openapi";
import { toMajor } from "../../../lib/money";
import type { StoredTransaction } from "./transaction";

// Transaction ids (a receipt number, a UUID), in the body or as Idempotency-Key, scoped to the
// shop; sales and refunds share one id space per shop (docs/API.md#idempotency).
export const SALE_ID_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const saleIdSchema = z
  .string()
  .regex(new RegExp(SALE_ID_PATTERN), "1..64 of A-Z a-z 0-9 _ . -")
  .openapi({ pattern: SALE_ID_PATTERN, example: "7f1d6c52-0c3e-4a4e-9a53-4f3c2a1b9d10" });

// A terminal and its own running number of transactions (docs/API.md#terminals).
export const TERMINAL_ID_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const terminalIdSchema = z
  .string()
  .regex(new RegExp(TERMINAL_ID_PATTERN), "1..64 of A-Z a-z 0-9 _ . -")
  .openapi({ pattern: TERMINAL_ID_PATTERN, example: "T-3" });

export const storedTransactionSchema = z
  .object({
    type: z.enum(["sale", "refund"]),
    id: z.string(),
    shop_id: z.number().int(),
    product_id: z.number().int(),
    quantity: z.number().int(),
    unit_price: z.number(),
    amount: z.number().openapi({ description: "unit_price × quantity" }),
    business_day: z.string(),
    sold_at: z.string().optional().openapi({ format: "date-time", description: "A sale's" }),
    sale_id: z.string().optional().openapi({ description: "A refund's: the refunded sale" }),
    refunded_at: z.string().optional().openapi({ format: "date-time", description: "A refund's" }),
  })
  .openapi("StoredTransaction");

/** The stored transaction as the API shows it. */
export function storedJson(t: StoredTransaction) {
  const at = new Date(t.soldAt).toISOString();
  const common = {
    id: t.saleId,
    shop_id: t.shopId,
    product_id: t.productId,
    quantity: t.quantity,
    unit_price: toMajor(t.unitPriceMinor),
    amount: toMajor(t.quantity * t.unitPriceMinor),
    business_day: t.businessDay,
  };
  return t.refundOf === null
    ? { type: "sale" as const, ...common, sold_at: at }
    : { type: "refund" as const, ...common, sale_id: t.refundOf, refunded_at: at };
}
