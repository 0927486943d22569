import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../../lib/ids";
import { MAX_SUM_MINOR } from "../../../lib/money";
import { MAX_PRICE_MINOR } from "../../catalog";
import { saleIdSchema, storedTransactionSchema, terminalIdSchema } from "../core/wire";

const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_QUANTITY = 1000;

/** When a sale or refund happened: with a zone, at most 5 minutes ahead, any age back. */
const transactionTimeSchema = z.iso
  .datetime({ offset: true })
  .refine((v) => Date.parse(v) <= Date.now() + FUTURE_TOLERANCE_MS, {
    message: "must not be more than 5 minutes in the future",
  });
const quantitySchema = z.number().int().min(1).max(MAX_QUANTITY);

const terminalFields = {
  terminal_id: terminalIdSchema.optional().openapi({
    description: "The terminal that made the transaction; with `seq`",
  }),
  seq: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().openapi({
    example: 1,
    description:
      "The terminal's number of this transaction, up by one per transaction (with `terminal_id`); another id with a seq the terminal already sent is a 409",
  }),
};
export const MAX_LINES = 100;
export const MAX_LINE_MINOR = MAX_PRICE_MINOR * MAX_QUANTITY;
// Money as sent, in the shop's currency: its digits (JPY 0, RUB 2, KWD 3) and bounds in minor
// units are checked when the receipt is priced, where the shop is known (ingest/price.ts).
const money = (description: string) =>
  z
    .number()
    .nonnegative()
    .max(MAX_SUM_MINOR)
    .openapi({
      type: "number",
      description: `${description}. In the shop's currency, with at most its minor-unit digits`,
    });

const lineSchema = z
  .strictObject({
    product_id: bodyIdSchema.openapi({ example: 1 }),
    quantity: quantitySchema.default(1).openapi({ description: `1..${MAX_QUANTITY}, default 1` }),
    unit_price: money(
      "What the shop charged a unit, before tax; default: the catalog price in the shop's currency when the receipt is accepted",
    ).optional(),
    discount: money("Money off this line; at most quantity × unit_price").optional(),
    tax: money("Tax collected on this line, on top of its net; default 0").optional(),
  })
  .openapi("ReceiptLine");

const saleFields = {
  product_id: bodyIdSchema.optional().openapi({
    example: 1,
    description: "The one-line form: the product of the sale's one line (not with `lines`)",
  }),
  quantity: quantitySchema.optional().openapi({
    description: `The one-line form: 1..${MAX_QUANTITY}, default 1`,
  }),
  lines: z
    .array(lineSchema)
    .min(1)
    .max(MAX_LINES)
    .optional()
    .openapi({
      description: `The receipt's 1..${MAX_LINES} lines (not with \`product_id\`); the same product may be on several`,
    }),
  discount: money(
    "Money off the whole receipt, spread over its lines in proportion to their amounts after the lines' discounts (largest remainder, ties to the earlier line)",
  ).optional(),
  total: money(
    "A checksum: Σ(quantity × unit_price − discount) − receipt discount + Σ tax; another amount is a 400 naming both",
  ).optional(),
  shop_id: bodyIdSchema.openapi({ example: 1 }),
  sold_at: transactionTimeSchema.optional().openapi({
    format: "date-time",
    example: "2026-11-23T10:15:00+03:00",
    description: "Default now; at most 5 minutes ahead; history of any age is accepted",
  }),
  id: saleIdSchema.optional().openapi({
    description:
      "The client's id of the receipt (a receipt number or a UUID). A retry with the same id for the same shop is counted once; other shops may use the same id.",
  }),
  ...terminalFields,
};

type SaleForm = {
  product_id?: number;
  quantity?: number;
  lines?: unknown[];
  discount?: number;
  total?: number;
};

/** A sale has `lines`, or is the one-line form (`product_id`, `quantity`); never both. */
export function formErrors(s: SaleForm): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const issue = (path: string, message: string) => errors.push({ path, message });
  if (s.lines === undefined) {
    if (s.product_id === undefined)
      issue("lines", "required: the receipt's lines (or `product_id` for one line)");
    if (s.discount !== undefined) issue("discount", "goes with `lines`");
    if (s.total !== undefined) issue("total", "goes with `lines`");
    return errors;
  }
  if (s.product_id !== undefined) issue("product_id", "goes on a line: not together with `lines`");
  if (s.quantity !== undefined) issue("quantity", "goes on a line: not together with `lines`");
  return errors;
}

function oneForm(s: SaleForm, ctx: z.RefinementCtx) {
  for (const e of formErrors(s))
    ctx.addIssue({ code: "custom", path: [e.path], message: e.message });
}

const SALE_DESCRIPTION =
  "A receipt: `lines` with the price charged, discounts and tax (docs/API.md#receipts), or the one-line form `product_id` + `quantity` at the catalog price.";

export const saleSchema = z
  .strictObject(saleFields)
  .superRefine(oneForm)
  .openapi("Sale", {
    description: SALE_DESCRIPTION,
    examples: [
      { product_id: 1, shop_id: 1, quantity: 2, id: "R-000124" },
      {
        id: "R-000126",
        shop_id: 1,
        lines: [
          { product_id: 1, quantity: 2, unit_price: 99.9, discount: 10, tax: 37.96 },
          { product_id: 2, tax: 12.5 },
        ],
        discount: 5,
      },
    ],
  });

export type SaleInput = z.infer<typeof saleSchema>;

const refundLineSchema = z
  .strictObject({
    line: z
      .number()
      .int()
      .min(1)
      .max(MAX_LINES)
      .openapi({ description: "Its place on the receipt, from 1" }),
    quantity: quantitySchema
      .optional()
      .openapi({ description: "Items of the line refunded; default: all that is left of it" }),
  })
  .openapi("RefundLine");

const refundFields = {
  id: saleIdSchema.openapi({
    example: "R-000125",
    description:
      "The refund's id, in the shop's id space of transactions: a retry answers `duplicate` and counts once.",
  }),
  shop_id: bodyIdSchema.openapi({ example: 1 }),
  sale_id: saleIdSchema.openapi({ example: "R-000124", description: "The refunded receipt's id" }),
  lines: z.array(refundLineSchema).min(1).max(MAX_LINES).optional().openapi({
    description: "The lines refunded, each once; default: the whole receipt, all that is left",
  }),
  quantity: quantitySchema.optional().openapi({
    description: "For a receipt of one line only: items refunded (default: all that is left)",
  }),
  refunded_at: transactionTimeSchema.optional().openapi({
    format: "date-time",
    example: "2026-11-23T18:40:00+03:00",
    description: "Default now; not before the sale; at most 5 minutes ahead",
  }),
  ...terminalFields,
};

/** A refund names its lines once each, or a quantity of a one-line receipt; not both. */
export function refundFormErrors(r: { lines?: { line: number }[]; quantity?: number }) {
  const errors: { path: (string | number)[]; message: string }[] = [];
  if (r.lines !== undefined && r.quantity !== undefined)
    errors.push({ path: ["quantity"], message: "goes on a line with `lines`" });
  const seen = new Set<number>();
  r.lines?.forEach((l, i) => {
    if (seen.has(l.line))
      errors.push({ path: ["lines", i, "line"], message: `line ${l.line} is named twice` });
    seen.add(l.line);
  });
  return errors;
}

function refundForm(r: { lines?: { line: number }[]; quantity?: number }, ctx: z.RefinementCtx) {
  for (const e of refundFormErrors(r)) ctx.addIssue({ code: "custom", ...e });
}

export const refundSchema = z.strictObject(refundFields).superRefine(refundForm).openapi("Refund");

export type RefundInput = z.infer<typeof refundSchema>;

/** A batch item: a sale (`type` absent or `sale`) or a refund (`type: refund`). */
// A batch item's form is checked apart (`formErrors`): a refinement takes zod off its fast path,
// and a batch parses a thousand of these a request.
export const batchSaleSchema = z.strictObject({
  ...saleFields,
  type: z.literal("sale").optional(),
});
export const batchRefundSchema = z.strictObject({ ...refundFields, type: z.literal("refund") });

export const saleAcceptedSchema = z
  .object({
    id: z.string(),
    status: z.enum(["accepted", "duplicate"]),
  })
  .openapi("SaleAccepted");

export const MAX_BATCH = 1000;

// Items are validated one by one (an invalid one is reported by index, the rest are kept),
// so the body schema takes any items while the description names the Sale schema.
export const batchSchema = z
  .strictObject({
    sales: z
      .array(z.unknown())
      .min(1)
      .max(MAX_BATCH)
      .openapi({
        type: "array",
        items: {
          oneOf: [{ $ref: "#/components/schemas/Sale" }, { $ref: "#/components/schemas/Refund" }],
        },
        description: `1..${MAX_BATCH} sales and refunds (\`"type":"refund"\`), applied in order; an invalid item is rejected by index`,
      }),
  })
  .openapi("SaleBatch");

const fieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const batchItemResultSchema = z
  .object({
    index: z.number().int(),
    id: z.string().nullable().openapi({
      description:
        "The item's id: the client's, or the one the server gave a sale sent without one (null: rejected without an id)",
    }),
    status: z.enum(["accepted", "duplicate", "rejected"]),
    errors: z.array(fieldErrorSchema).optional(),
    stored: storedTransactionSchema
      .optional()
      .openapi({ description: "For an id sent again with another body: what the id names" }),
  })
  .openapi("SaleBatchItemResult");

export type BatchItemResult = z.infer<typeof batchItemResultSchema>;

export const batchResultSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.array(z.object({ index: z.number().int(), errors: z.array(fieldErrorSchema) })),
    results: z.array(batchItemResultSchema).openapi({
      description: "One per item, in the order sent: what became of it",
    }),
  })
  .openapi("SaleBatchResult");
