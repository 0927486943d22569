import { z } from "@hono/zod-openapi";
import { businessDay } from "../lib/business-day";
import { notFound } from "../lib/errors";
import { idSchema } from "../lib/ids";
import { currencyOf, formatAmount } from "../lib/money";
import { decodeKeyCursor, pageQuerySchema } from "../lib/pagination";
import { type CatalogSnapshot, catalogSnapshot, type Shop } from "../modules/catalog";
import {
  dateSchema,
  listReceipts,
  readBack,
  receiptJson,
  refundJson,
  saleIdSchema,
} from "../modules/sales";
import { guards } from "../platform/http/guards";
import { visibleShop } from "./dashboard-range";
import { Layout, NextPage, TableHead } from "./layout";
import { page, pageContext } from "./page";

// A shop's receipts of one business day, and one receipt with its lines and refunds: what an
// owner opens when a customer comes back with a receipt (docs/API.md#receipts).

const reader = guards.scopes("reports:read");
/** Amounts in the shop's own currency, with its digits. */
const amountsOf = (shop: Shop) => (v: number) => formatAmount(v, shop.currency);

/** A time in the shop's own zone, as its staff read it. */
const local = (iso: string, shop: Shop) =>
  new Date(iso).toLocaleString("en-GB", {
    timeZone: shop.timeZone,
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  });

const productName = (catalog: CatalogSnapshot, id: number) =>
  catalog.products.get(id)?.name ?? `Product ${id}`;

const dayQuery = z.object({
  day: dateSchema.optional(),
  cursor: pageQuerySchema.shape.cursor,
});

export const receiptPages = [
  page(
    {
      method: "get",
      path: "/dashboard/shops/{id}/receipts",
      name: "dashboardReceipts",
      guard: reader,
      request: { params: z.object({ id: idSchema }), query: dayQuery },
    },
    async (c) => {
      const ctx = c.var.ctx;
      const shop = await visibleShop(ctx, c.req.valid("param").id);
      const fmt = amountsOf(shop);
      const query = c.req.valid("query");
      const day =
        query.day ?? businessDay(ctx.clock().getTime(), shop.timeZone, shop.dayStartMinutes);
      const list = await listReceipts(ctx, {
        shopId: shop.id,
        day,
        afterId: decodeKeyCursor(query.cursor),
        limit: 50,
      });
      const base = `/dashboard/shops/${shop.id}/receipts`;
      return c.html(
        <Layout title={`${shop.name}: receipts`} page={pageContext(c)} current="/dashboard">
          <p class="muted">
            <a href={`/dashboard/shops/${shop.id}`}>← {shop.name}</a> · business day {day} (time
            zone {shop.timeZone})
          </p>
          <form method="get" action={base} class="inline">
            <label>
              Business day
              <input type="date" name="day" value={day} required />
            </label>
            <button type="submit">Show</button>
          </form>
          {list.items.length === 0 ? (
            <p data-receipts-empty>No receipt on this business day.</p>
          ) : (
            <div class="table-wrap">
              <table data-receipts>
                <TableHead
                  columns={[
                    "Receipt",
                    "Sold at",
                    { num: "Lines" },
                    { num: "Items" },
                    { num: "Net" },
                    { num: "Tax" },
                    { num: "Total" },
                  ]}
                />
                <tbody>
                  {list.items.map((sale) => {
                    const r = receiptJson(sale, [], currencyOf(shop.currency));
                    return (
                      <tr data-receipt={r.id} data-lines={r.lines.length}>
                        <td>
                          <a href={`${base}/${encodeURIComponent(r.id)}`}>{r.id}</a>
                        </td>
                        <td>{local(r.sold_at, shop)}</td>
                        <td class="num">{r.lines.length}</td>
                        <td class="num">{r.quantity}</td>
                        <td class="num">{fmt(r.net)}</td>
                        <td class="num">{fmt(r.tax)}</td>
                        <td class="num">{fmt(r.total)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          <NextPage url={c.req.url} cursor={list.next_cursor} />
        </Layout>,
      );
    },
  ),
  page(
    {
      method: "get",
      path: "/dashboard/shops/{id}/receipts/{sale_id}",
      name: "dashboardReceipt",
      guard: reader,
      request: { params: z.object({ id: idSchema, sale_id: saleIdSchema }) },
    },
    async (c) => {
      const ctx = c.var.ctx;
      const { id, sale_id: saleId } = c.req.valid("param");
      const [shop, catalog] = await Promise.all([visibleShop(ctx, id), catalogSnapshot(ctx.db)]);
      const { stored, refunds } = await readBack(c.env, shop.id, saleId);
      if (!stored || stored.refundOf !== null)
        throw notFound(`Shop ${shop.id} has no receipt ${saleId}.`);
      const fmt = amountsOf(shop);
      const r = receiptJson(stored, refunds, currencyOf(shop.currency));
      return c.html(
        <Layout title={`Receipt ${r.id}`} page={pageContext(c)} current="/dashboard">
          <p class="muted">
            <a href={`/dashboard/shops/${shop.id}/receipts?day=${r.business_day}`}>
              ← {shop.name}, receipts of {r.business_day}
            </a>{" "}
            · sold {local(r.sold_at, shop)} ({shop.timeZone}) · figures in {shop.currency}
          </p>
          <div class="table-wrap">
            <table data-receipt-lines>
              <TableHead
                columns={[
                  "#",
                  "Product",
                  { num: "Qty" },
                  { num: "Unit price" },
                  { num: "Discount" },
                  { num: "Net" },
                  { num: "Tax" },
                  { num: "Refunded" },
                  { num: "Refunded net" },
                ]}
              />
              <tbody>
                {r.lines.map((l) => (
                  <tr data-line={l.line}>
                    <td>{l.line}</td>
                    <td>{productName(catalog, l.product_id)}</td>
                    <td class="num">{l.quantity}</td>
                    <td class="num">{fmt(l.unit_price)}</td>
                    <td class="num">{fmt(l.discount)}</td>
                    <td class="num">{fmt(l.net)}</td>
                    <td class="num">{fmt(l.tax)}</td>
                    <td class="num">{l.refunded_quantity}</td>
                    <td class="num">{fmt(l.refunded_net)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <dl class="totals" data-receipt-totals>
            <dt>Gross</dt>
            <dd>{fmt(r.gross)}</dd>
            <dt>Discounts</dt>
            <dd>
              {fmt(r.discounts)}
              {r.discount > 0 && ` (of which ${fmt(r.discount)} on the whole receipt)`}
            </dd>
            <dt>Net</dt>
            <dd>{fmt(r.net)}</dd>
            <dt>Tax</dt>
            <dd>{fmt(r.tax)}</dd>
            <dt>Total paid</dt>
            <dd data-figure="total">{fmt(r.total)}</dd>
          </dl>
          <h2>Refunds</h2>
          {r.refunds.length === 0 ? (
            <p>None.</p>
          ) : (
            <div class="table-wrap">
              <table data-receipt-refunds>
                <TableHead
                  columns={["Refund", "Refunded at", "Lines", { num: "Net" }, { num: "Tax" }]}
                />
                <tbody>
                  {refunds
                    .map((t) => refundJson(t, currencyOf(shop.currency)))
                    .map((f) => (
                      <tr data-refund={f.id}>
                        <td>{f.id}</td>
                        <td>{local(f.refunded_at, shop)}</td>
                        <td>{f.lines.map((l) => `line ${l.line} × ${l.quantity}`).join(", ")}</td>
                        <td class="num">{fmt(f.net)}</td>
                        <td class="num">{fmt(f.tax)}</td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          )}
          <p class="muted">{r.left_to_refund} items left to refund.</p>
        </Layout>,
      );
    },
  ),
];
