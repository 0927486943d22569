import { z } from "@hono/zod-openapi";
import { averageMinor } from "../../lib/money";
import { decodeCursor, toPage } from "../../lib/pagination";
import { getOrder, listOrders, orderStatuses, sellerStats } from "../../modules/orders";
import { guards } from "../../platform/http/guards";
import { Layout, money, NextPage, TableHead, when } from "../layout";
import { listPageQuery, page, pageContext } from "../page";

const listQuery = listPageQuery.extend({
  seller: z.string().trim().max(50).optional(),
  q: z.string().trim().max(50).optional(),
  status: z.string().trim().max(20).optional(),
});
const numberParams = z.object({ number: z.string().min(1).max(50) });

const list = page(
  {
    method: "get",
    path: "/admin/orders",
    name: "orders",
    guard: guards.admin,
    request: { query: listQuery },
  },
  async (c) => {
    const q = c.req.valid("query");
    const [rows, statuses] = await Promise.all([
      listOrders(
        c.var.ctx.db,
        { seller: q.seller || undefined, q: q.q || undefined, status: q.status || undefined },
        decodeCursor(q.cursor),
        50,
      ),
      orderStatuses(c.var.ctx.db),
    ]);
    const { items, next_cursor } = toPage(rows, 50, (o) => o);
    const filtered = Boolean(q.seller || q.q || q.status);
    return c.html(
      <Layout title="Orders" page={pageContext(c)} current="/admin/orders">
        <form method="get" action="/admin/orders" class="inline" aria-label="Find orders">
          <label>
            Seller
            <input name="seller" value={q.seller ?? ""} />
          </label>
          <label>
            Order number contains
            <input name="q" value={q.q ?? ""} />
          </label>
          <label>
            Status
            <select name="status">
              <option value="">any</option>
              {statuses.map((s) => (
                <option value={s} selected={q.status === s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Search</button>
          {filtered && <a href="/admin/orders">Clear filters</a>}
        </form>
        {items.length === 0 ? (
          <p class="empty">{filtered ? "No order matches these filters." : "No orders yet."}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <TableHead columns={["Order", "Seller", "Created", "Status", { num: "Total" }]} />
              <tbody>
                {items.map((o) => (
                  <tr>
                    <td class="wrap">
                      <a href={`/admin/orders/${encodeURIComponent(o.orderNumber)}`}>
                        {o.orderNumber}
                      </a>
                    </td>
                    <td class="wrap">
                      <a href={`/admin/orders?seller=${encodeURIComponent(o.user)}`}>{o.user}</a>
                    </td>
                    <td>{when(o.createdAt)}</td>
                    <td>{o.status}</td>
                    <td class="num">{money(o.totalMinor)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <NextPage url={c.req.url} cursor={next_cursor} />
      </Layout>,
    );
  },
);

const one = page(
  {
    method: "get",
    path: "/admin/orders/{number}",
    name: "order",
    guard: guards.admin,
    request: { params: numberParams },
  },
  async (c) => {
    const ctx = c.var.ctx;
    const order = await getOrder(ctx, c.req.valid("param").number);
    const stats = await sellerStats(ctx, order.user);
    const itemsTotal = order.items.reduce((sum, i) => sum + i.priceMinor * i.quantity, 0);
    return c.html(
      <Layout title={`Order ${order.orderNumber}`} page={pageContext(c)} current="/admin/orders">
        <p>
          Seller <a href={`/admin/orders?seller=${encodeURIComponent(order.user)}`}>{order.user}</a>{" "}
          · created {when(order.createdAt)} · status {order.status} · total{" "}
          {money(order.totalMinor)}
        </p>
        <table data-order-items>
          <caption class="muted">Items</caption>
          <TableHead
            columns={["SKU", "Name", { num: "Quantity" }, { num: "Price" }, { num: "Line total" }]}
          />
          <tbody>
            {order.items.map((i) => (
              <tr>
                <td>{i.sku}</td>
                <td>{i.name}</td>
                <td class="num">{i.quantity}</td>
                <td class="num">{money(i.priceMinor)}</td>
                <td class="num">{money(i.priceMinor * i.quantity)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <td colspan={4}>Items total (order total {money(order.totalMinor)})</td>
              <td class="num">{money(itemsTotal)}</td>
            </tr>
          </tfoot>
        </table>
        <h2>Seller {order.user}</h2>
        <p class="muted">All orders count, cancelled ones included.</p>
        <div class="cards">
          <div class="card">
            Orders<span class="figure">{stats.ordersCount}</span>
          </div>
          <div class="card">
            Revenue<span class="figure">{money(stats.revenueMinor)}</span>
          </div>
          <div class="card">
            Average order
            <span class="figure">{money(averageMinor(stats.revenueMinor, stats.ordersCount))}</span>
          </div>
          <div class="card">
            Cancelled<span class="figure">{stats.cancelledCount}</span>
          </div>
          <div class="card">
            Revenue without cancelled
            <span class="figure">{money(stats.revenueExcludingCancelledMinor)}</span>
          </div>
        </div>
      </Layout>,
    );
  },
);

export const orderPages = [list, one];
