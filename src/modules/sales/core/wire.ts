// The shapes every flow's routes share: transaction and terminal ids, and a stored transaction
// as the API shows it (docs/API.md#transactions).
import { z } from "@hono/zod-openapi";
import { type Currency, toMajor } from "../../../lib/money";
import { lineNet, receiptSums, refundSums } from "./receipt";
import type { StoredRefund, StoredSale, StoredTransaction } from "./transaction";

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

const money = (description: string) => z.number().openapi({ description });

const storedLineSchema = z.object({
  line: z.number().int().openapi({ description: "Its place on the receipt, from 1" }),
  product_id: z.number().int(),
  quantity: z.number().int(),
  unit_price: z.number().optional().openapi({ description: "A sale's: the price charged a unit" }),
  discount: money("A sale's: the line's discount and its share of the receipt's").optional(),
  discount_share: money("A sale's: the part of `discount` that is the receipt's").optional(),
  net: money("A sale's: quantity × unit_price − discount; a refund's: the net returned"),
  tax: money("Tax collected on the line, or returned by the refund"),
});

export const storedTransactionSchema = z
  .object({
    type: z.enum(["sale", "refund"]),
    id: z.string(),
    shop_id: z.number().int(),
    business_day: z.string(),
    currency: z
      .string()
      .openapi({ example: "RUB", description: "The shop's: every amount is in it" }),
    sold_at: z.string().optional().openapi({ format: "date-time", description: "A sale's" }),
    sale_id: z.string().optional().openapi({ description: "A refund's: the refunded sale" }),
    refunded_at: z.string().optional().openapi({ format: "date-time", description: "A refund's" }),
    lines: z.array(storedLineSchema),
    discount: money("A sale's: the receipt's discount, spread over its lines").optional(),
    gross: money("A sale's: Σ quantity × unit_price").optional(),
    discounts: money("A sale's: Σ of its lines' discounts, the spread included").optional(),
    net: money("A sale's: gross − discounts; a refund's: the net returned"),
    tax: money("Tax collected, or returned"),
    total: money("A sale's: net + tax, what the customer paid").optional(),
    quantity: z.number().int().openapi({ description: "Items, on every line together" }),
    product_id: z
      .number()
      .int()
      .optional()
      .openapi({ description: "On a transaction of one line: its product" }),
    unit_price: z
      .number()
      .optional()
      .openapi({ description: "On a sale of one line: its unit price" }),
    amount: money("The same as `net` (kept for clients of one-line sales)"),
  })
  .openapi("StoredTransaction");

/** The stored transaction as the API shows it. */
export function storedJson(t: StoredTransaction, currency: Currency) {
  return t.refundOf === null ? saleJson(t, currency) : refundJson(t, currency);
}

/** A receipt as the API shows it. */
export function saleJson(t: StoredSale, currency: Currency) {
  const m = (minor: number) => toMajor(minor, currency.exponent);
  const at = new Date(t.soldAt).toISOString();
  const common = {
    id: t.saleId,
    shop_id: t.shopId,
    business_day: t.businessDay,
    currency: currency.code,
  };
  const sums = receiptSums(t.lines);
  const [only] = t.lines.length === 1 ? t.lines : [];
  return {
    type: "sale" as const,
    ...common,
    sold_at: at,
    lines: t.lines.map((l, i) => ({
      line: i + 1,
      product_id: l[0],
      quantity: l[1],
      unit_price: m(l[2]),
      discount: m(l[3] + l[4]),
      discount_share: m(l[4]),
      net: m(lineNet(l)),
      tax: m(l[5]),
    })),
    discount: m(t.discountMinor),
    gross: m(sums.gross),
    discounts: m(sums.discounts),
    net: m(sums.net),
    tax: m(sums.tax),
    total: m(sums.net + sums.tax),
    quantity: sums.items,
    ...(only && { product_id: only[0], unit_price: m(only[2]) }),
    amount: m(sums.net),
  };
}

/** A refund as the API shows it. */
export function refundJson(t: StoredRefund, currency: Currency) {
  const m = (minor: number) => toMajor(minor, currency.exponent);
  const at = new Date(t.soldAt).toISOString();
  const common = {
    id: t.saleId,
    shop_id: t.shopId,
    business_day: t.businessDay,
    currency: currency.code,
  };
  const sums = refundSums(t.lines);
  const [only] = t.lines.length === 1 ? t.lines : [];
  return {
    type: "refund" as const,
    ...common,
    sale_id: t.refundOf,
    refunded_at: at,
    lines: t.lines.map(([line, productId, quantity, net, tax]) => ({
      line,
      product_id: productId,
      quantity,
      net: m(net),
      tax: m(tax),
    })),
    net: m(sums.net),
    tax: m(sums.tax),
    quantity: sums.items,
    ...(only && { product_id: only[1] }),
    amount: m(sums.net),
  };
}
