import { catalogSnapshot } from "../../modules/catalog";
import { terminalsOverview } from "../../modules/sales";
import { guards } from "../../platform/http/guards";
import { Layout, TableHead, when } from "../layout";
import { page, pageContext } from "../page";
import { ago, gapsText } from "./terminal-text";

/** Every terminal per shop: what the server holds from it, when it was last heard, if behind. */
export const terminalPages = [
  page(
    { method: "get", path: "/admin/terminals", name: "terminals", guard: guards.admin },
    async (c) => {
      const ctx = c.var.ctx;
      const [terminals, catalog] = await Promise.all([
        terminalsOverview(ctx),
        catalogSnapshot(ctx.db),
      ]);
      const now = ctx.clock().getTime();
      const behind = terminals.filter((t) => t.behind).length;
      return c.html(
        <Layout title="Terminals" page={pageContext(c)} current="/admin/terminals">
          <p class="muted">
            What the server holds from each terminal (their seqs). Behind: gaps and silent for a
            minute, or silent for 15 minutes while another terminal of its shop was heard.{" "}
            {terminals.length} {terminals.length === 1 ? "terminal" : "terminals"},{" "}
            <strong data-behind-count>{behind}</strong> behind.
          </p>
          {terminals.length === 0 ? (
            <p class="empty">No terminal has sent a transaction with a terminal_id yet.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <TableHead
                  columns={[
                    "Shop",
                    "Terminal",
                    { num: "Complete through" },
                    { num: "Highest seq" },
                    "Gaps",
                    "Last heard",
                    "State",
                  ]}
                />
                <tbody>
                  {terminals.map((t) => (
                    <tr
                      data-terminal={`${t.shopId}/${t.terminalId}`}
                      data-behind={String(t.behind)}
                    >
                      <td>
                        <a href={`/dashboard/shops/${t.shopId}`}>
                          {catalog.shops.get(t.shopId)?.name ?? `Shop ${t.shopId}`}
                        </a>
                      </td>
                      <td>{t.terminalId}</td>
                      <td class="num">{t.receivedThrough}</td>
                      <td class="num">{t.highest}</td>
                      <td>{gapsText(t.gaps)}</td>
                      <td title={when(new Date(t.lastSeenAt))}>{ago(now - t.lastSeenAt)}</td>
                      <td>{t.behind ? <strong class="warn">behind</strong> : "ok"}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Layout>,
      );
    },
  ),
];
