import { z } from "@hono/zod-openapi";
import { notFound } from "../../lib/errors";
import { idParams } from "../../lib/ids";
import { guards } from "../../platform/http/guards";
import { getOutbox, listOutbox, outboxQuerySchema } from "../../platform/mail/routes";
import { Layout, NextPage, TableHead, when } from "../layout";
import { page, pageContext } from "../page";

// The admin's list: newest first unless asked, and part of the address rather than all of it.
const pageQuery = outboxQuerySchema.omit({ limit: true, to: true }).extend({
  order: z.enum(["oldest", "newest"]).default("newest"),
  q: z.string().trim().max(254).optional(),
});

const attachmentParams = idParams.extend({ n: z.string().regex(/^(0|[1-9][0-9]{0,2})$/) });

const list = page(
  {
    method: "get",
    path: "/admin/outbox",
    name: "outbox",
    guard: guards.admin,
    request: { query: pageQuery },
  },
  async (c) => {
    const query = c.req.valid("query");
    const { items, next_cursor } = await listOutbox(c.var.ctx.db, {
      ...query,
      toContains: query.q || undefined,
      limit: 50,
    });
    const filtered = Boolean(query.q || query.status);
    return c.html(
      <Layout title="Outbox" page={pageContext(c)} current="/admin/outbox">
        <form method="get" action="/admin/outbox" class="inline" aria-label="Filter e-mails">
          <label>
            Recipient contains
            <input name="q" type="search" value={query.q ?? ""} maxlength={254} />
          </label>
          <label>
            State
            <select name="status">
              <option value="">any</option>
              {(["queued", "sent", "failed"] as const).map((s) => (
                <option value={s} selected={query.status === s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
          <label>
            Order
            <select name="order">
              <option value="newest" selected={query.order === "newest"}>
                newest first
              </option>
              <option value="oldest" selected={query.order === "oldest"}>
                oldest first
              </option>
            </select>
          </label>
          <button type="submit">Filter</button>
          {filtered && <a href="/admin/outbox">Clear filters</a>}
        </form>
        {items.length === 0 ? (
          <p class="empty">{filtered ? "No e-mail matches these filters." : "No e-mails yet."}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <TableHead
                columns={["Subject", "To", "Template", "State", { num: "Attempts" }, "Date"]}
              />
              <tbody>
                {items.map((m) => (
                  <tr>
                    <td class="wrap">
                      <a href={`/admin/outbox/${m.id}`}>{m.subject || "(not rendered)"}</a>
                      {m.attachments.length > 0 && (
                        <span class="muted"> · {m.attachments.length} attachment(s)</span>
                      )}
                    </td>
                    <td class="wrap">{m.to}</td>
                    <td>{m.template}</td>
                    <td>{m.status}</td>
                    <td class="num">{m.attempts}</td>
                    <td>{when(m.createdAt)}</td>
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
    path: "/admin/outbox/{id}",
    name: "outboxMessage",
    guard: guards.admin,
    request: { params: idParams },
  },
  async (c) => {
    const m = await getOutbox(c.var.ctx.db, c.req.valid("param").id);
    return c.html(
      <Layout title={m.subject || "(not rendered)"} page={pageContext(c)} current="/admin/outbox">
        <table>
          <tbody>
            {[
              ["From", m.from],
              ["To", m.to],
              ["Date", when(m.createdAt)],
              ["Message-ID", m.messageId],
              ["Template", m.template],
              [
                "State",
                `${m.status} after ${m.attempts} attempt(s)${m.lastError ? `: ${m.lastError}` : ""}`,
              ],
            ].map(([name, value]) => (
              <tr>
                <th scope="row">{name}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h2>Text</h2>
        <pre class="panel">{m.text}</pre>
        <h2>HTML</h2>
        <iframe class="mail" title="The HTML part" sandbox="" src={`/admin/outbox/${m.id}/html`} />
        <h2>Attachments</h2>
        {m.attachments.length === 0 && <p class="empty">None.</p>}
        {m.attachments.map((a, n) => {
          const href = `/admin/outbox/${m.id}/attachments/${n}`;
          return a.contentType.startsWith("image/") ? (
            <figure>
              <img class="qr" src={href} alt={`Attachment ${a.filename}`} width={240} />
              <figcaption>
                <a href={href} download={a.filename}>
                  {a.filename}
                </a>
              </figcaption>
            </figure>
          ) : (
            <p>
              <a href={href} download={a.filename}>
                {a.filename}
              </a>{" "}
              <span class="muted">({a.contentType})</span>
            </p>
          );
        })}
      </Layout>,
    );
  },
);

// The HTML part as a document of its own: inline styles allowed there (mail needs them), no
// scripts, shown sandboxed in the message page.
const htmlPart = page(
  {
    method: "get",
    path: "/admin/outbox/{id}/html",
    name: "outboxHtml",
    guard: guards.admin,
    request: { params: idParams },
  },
  async (c) => {
    const m = await getOutbox(c.var.ctx.db, c.req.valid("param").id);
    c.header(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    );
    // An inline image (`cid:`) is the message's own attachment: shown from it, as data.
    const inline = new Map(
      m.attachments.flatMap((a) =>
        a.contentId ? [[a.contentId, `data:${a.contentType};base64,${a.contentBase64}`]] : [],
      ),
    );
    const body = (m.html || "<p>(no HTML part)</p>").replace(
      /(["'])cid:([^"']+)\1/g,
      (all, quote, id) => (inline.has(id) ? `${quote}${inline.get(id)}${quote}` : all),
    );
    return c.html(body);
  },
);

const attachment = page(
  {
    method: "get",
    path: "/admin/outbox/{id}/attachments/{n}",
    name: "outboxAttachment",
    guard: guards.admin,
    request: { params: attachmentParams },
  },
  async (c) => {
    const { id, n } = c.req.valid("param");
    const file = (await getOutbox(c.var.ctx.db, id)).attachments[Number(n)];
    if (!file) throw notFound(`E-mail ${id} has no attachment ${n}.`);
    const bytes = Uint8Array.from(atob(file.contentBase64), (ch) => ch.charCodeAt(0));
    return c.body(bytes.buffer, 200, {
      "content-type": file.contentType,
      "content-disposition": `${file.contentType.startsWith("image/") ? "inline" : "attachment"}; filename="${file.filename.replace(/"/g, "")}"`,
    });
  },
);

export const outboxPages = [list, one, htmlPart, attachment];
