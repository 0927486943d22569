import { z } from "@hono/zod-openapi";
import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { notFound } from "../../lib/errors";
import { idParams } from "../../lib/ids";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { guards } from "../http/guards";
import { errors, jsonResponse } from "../http/openapi";
import { defineRoute } from "../http/route";
import { outbox } from "./schema";

const STATUSES = ["queued", "sent", "failed"] as const;
const attachmentSchema = z.object({ filename: z.string(), content_type: z.string() });
const outboxItemSchema = z
  .object({
    id: z.number().int(),
    template: z.string(),
    message_id: z.string(),
    from: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    status: z.enum(STATUSES),
    attempts: z.number().int(),
    created_at: z.string().openapi({ description: "The Date header of the message" }),
    attachments: z.array(attachmentSchema),
  })
  .openapi("OutboxMessage");
const outboxDetailSchema = outboxItemSchema
  .extend({
    html: z.string(),
    last_error: z.string().nullable(),
    sent_at: z.string().nullable(),
    attachments: z.array(
      attachmentSchema.extend({
        content_base64: z.string().openapi({ description: "The attachment's bytes, base64" }),
        content_id: z.string().nullable().openapi({
          description: "Set for an inline image: the HTML part shows it as `cid:<content_id>`",
        }),
      }),
    ),
  })
  .openapi("OutboxMessageDetail");

export type OutboxRow = typeof outbox.$inferSelect;

export function serializeOutbox(row: OutboxRow) {
  return {
    id: row.id,
    template: row.template,
    message_id: row.messageId,
    from: row.from,
    to: row.to,
    subject: row.subject,
    text: row.text,
    status: row.status,
    attempts: row.attempts,
    created_at: row.createdAt.toISOString(),
    attachments: row.attachments.map((a) => ({
      filename: a.filename,
      content_type: a.contentType,
    })),
  };
}

export const outboxQuerySchema = pageQuerySchema.extend({
  to: z.string().max(254).optional().openapi({ description: "Only mails to this address" }),
  // A form's "any" sends `status=`: empty means no filter, as an absent parameter does.
  status: z
    .enum(["", ...STATUSES])
    .optional()
    .openapi({ description: "Only mails in this state; empty: any state" }),
  order: z
    .enum(["oldest", "newest"])
    .default("oldest")
    .openapi({ description: "`oldest` first (default) or `newest` first" }),
});

export type OutboxQuery = z.infer<typeof outboxQuerySchema> & {
  /** Part of the recipient's address, in any case (the web admin's search). */
  toContains?: string | undefined;
};

/** A keyset page of e-mails in either order: the cursor is the last id shown. */
export async function listOutbox(db: Db, query: OutboxQuery) {
  const after = decodeCursor(query.cursor);
  const newest = query.order === "newest";
  const rows = await db
    .select()
    .from(outbox)
    .where(
      and(
        after === 0 ? undefined : newest ? lt(outbox.id, after) : gt(outbox.id, after),
        query.to === undefined ? undefined : eq(outbox.to, query.to.toLowerCase()),
        // Addresses are stored lower-cased: a part of one is found in any case.
        query.toContains
          ? sql`instr(${outbox.to}, ${query.toContains.toLowerCase()}) > 0`
          : undefined,
        query.status ? eq(outbox.status, query.status) : undefined,
      ),
    )
    .orderBy(newest ? desc(outbox.id) : asc(outbox.id))
    .limit(query.limit + 1);
  return toPage(rows, query.limit, (row) => row);
}

export async function getOutbox(db: Db, id: number) {
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  if (!row) throw notFound(`There is no e-mail ${id}.`);
  return row;
}

export const outboxRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/outbox",
      operationId: "listOutbox",
      guard: guards.admin,
      tags: ["Mail"],
      summary: "List recorded e-mails, oldest first (or `order=newest`)",
      description: "Every e-mail the `mail` queue consumer rendered, with its delivery state.",
      request: { query: outboxQuerySchema },
      responses: { 200: jsonResponse(pageSchema(outboxItemSchema), "A page of e-mails") },
    },
    async (c) => {
      const page = await listOutbox(c.var.ctx.db, c.req.valid("query"));
      return c.json({ ...page, items: page.items.map(serializeOutbox) }, 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/outbox/{id}",
      operationId: "getOutboxMessage",
      guard: guards.admin,
      tags: ["Mail"],
      summary: "One recorded e-mail with its HTML part and its attachments' content",
      description: "Attachments carry their bytes as base64.",
      request: { params: idParams },
      responses: {
        200: jsonResponse(outboxDetailSchema, "The e-mail"),
        404: errors[404],
      },
    },
    async (c) => {
      const row = await getOutbox(c.var.ctx.db, c.req.valid("param").id);
      return c.json(
        {
          ...serializeOutbox(row),
          html: row.html,
          last_error: row.lastError,
          sent_at: row.sentAt?.toISOString() ?? null,
          attachments: row.attachments.map((a) => ({
            filename: a.filename,
            content_type: a.contentType,
            content_base64: a.contentBase64,
            content_id: a.contentId ?? null,
          })),
        },
        200,
      );
    },
  ),
];
