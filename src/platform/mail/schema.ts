import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export type StoredAttachment = {
  filename: string;
  contentType: string;
  contentBase64: string;
  /** Shown inline in the HTML part (`cid:`), as the message carried it. */
  contentId?: string;
};

export const outbox = sqliteTable(
  "outbox",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    // Set by the producer and carried in the queue message, so a redelivery or the
    // dead-letter consumer finds the same row.
    mailId: text().notNull().unique(),
    template: text().notNull(),
    // The message's own headers, as the transport sends them.
    messageId: text().notNull().default(""),
    from: text().notNull().default(""),
    to: text().notNull(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text().notNull().default(""),
    attachments: text({ mode: "json" }).$type<StoredAttachment[]>().notNull(),
    status: text({ enum: ["queued", "sent", "failed"] }).notNull(),
    attempts: integer().notNull(),
    lastError: text(),
    // The Date header: when the message was first rendered.
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    sentAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("outbox_to_id").on(t.to, t.id), index("outbox_status_id").on(t.status, t.id)],
);
