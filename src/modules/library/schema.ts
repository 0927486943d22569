import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const books = sqliteTable(
  "books",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    title: text().notNull(),
    author: text().notNull(),
    year: integer().notNull(),
    isbn: text().notNull().unique(),
    // Lower-cased in JS (Unicode-aware): SQLite's own lower() and LIKE fold ASCII only,
    // so a search for "война" would miss "Война и мир".
    titleSearch: text().notNull(),
    authorSearch: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("books_author_search").on(t.authorSearch)],
);

export type Book = typeof books.$inferSelect;
