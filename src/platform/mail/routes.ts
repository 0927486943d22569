import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, gt, type SQL } from "drizzle-orm";
import { ApiError } from "../../lib/errors";
import { bearer, createRouter, errors, idParamSchema, jsonResponse } from "../../lib/openapi";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { outbox } from "./schema";

const attachmentSchema = z.object({ filename: z.string(), content_type: z.string() });
const outboxItemSchema = z
  .object({
    id: z.number().int(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    status: z.enum(["queued", "sent", "failed"]),
    attempts: z.number().int(),
    created_at: z.string(),
    attachments: z.array(attachmentSchema),
  })
  .openapi("OutboxMessage");
const outboxDetailSchema = outboxItemSchema
  .extend({
    last_error: z.string().nullable(),
    sent_at: z.string().nullable(),
    attachments: z.array(attachmentSchema.extend({ content_base64: z.string() })),
  })
  .openapi("OutboxMessageDetail");

type OutboxRow = typeof outbox.$inferSelect;

function serialize(row: OutboxRow) {
  return {
    id: row.id,
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

export const outboxRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Mail"],
      summary: "List recorded e-mails, oldest first",
      security: bearer,
      request: {
        query: pageQuerySchema.extend({
          to: z.string().optional().openapi({ description: "Only mails to this address" }),
        }),
      },
      responses: {
        200: jsonResponse(pageSchema(outboxItemSchema), "A page of e-mails"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const { limit, cursor, to } = c.req.valid("query");
      const filters: SQL[] = [gt(outbox.id, decodeCursor(cursor))];
      if (to !== undefined) filters.push(eq(outbox.to, to.toLowerCase()));
      const rows = await c.var.db
        .select()
        .from(outbox)
        .where(and(...filters))
        .orderBy(outbox.id)
        .limit(limit + 1);
      return c.json(toPage(rows, limit, serialize), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Mail"],
      summary: "One recorded e-mail with its attachments' content",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        200: jsonResponse(outboxDetailSchema, "The e-mail"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const [row] = await c.var.db.select().from(outbox).where(eq(outbox.id, id));
      if (!row) throw new ApiError("not_found", `There is no e-mail ${id}.`);
      return c.json(
        {
          ...serialize(row),
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
  );
