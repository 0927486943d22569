import { z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowsAfter } from "../../db/pages";
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
  status: z.enum(STATUSES).optional().openapi({ description: "Only mails in this state" }),
});

export async function listOutbox(db: Db, query: z.infer<typeof outboxQuerySchema>) {
  const rows = await rowsAfter(
    db,
    outbox,
    decodeCursor(query.cursor),
    query.limit,
    query.to === undefined ? undefined : eq(outbox.to, query.to.toLowerCase()),
    query.status === undefined ? undefined : eq(outbox.status, query.status),
  );
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
      summary: "List recorded e-mails, oldest first",
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
          })),
        },
        200,
      );
    },
  ),
];
