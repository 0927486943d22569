import { and, eq, ne, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import type { Db } from "../../db/client";
import { isUniqueViolation } from "../../db/errors";
import { rowsAfter } from "../../db/pages";
import { conflict, notFound } from "../../lib/errors";
import type { ServiceContext } from "../../platform/context";
import type { BookInput } from "./dto";
import { type Book, books } from "./schema";

export function searchForm(value: string): string {
  return value.normalize("NFC").toLowerCase();
}

const contains = (column: AnySQLiteColumn, needle: string) =>
  sql`instr(${column}, ${searchForm(needle)}) > 0`;

export const listBooks = (
  db: Db,
  filter: { author?: string; q?: string },
  afterId: number,
  limit: number,
) =>
  rowsAfter(
    db,
    books,
    afterId,
    limit,
    filter.author ? contains(books.authorSearch, filter.author) : undefined,
    filter.q ? contains(books.titleSearch, filter.q) : undefined,
  );

export async function getBook(db: Db, id: number): Promise<Book> {
  const [book] = await db.select().from(books).where(eq(books.id, id));
  if (!book) throw notFound(`There is no book ${id}.`);
  return book;
}

function duplicateIsbn(isbn: string) {
  return conflict(`A book with ISBN ${isbn} exists already.`, [
    { path: "isbn", message: "already used by another book" },
  ]);
}

async function assertIsbnFree(db: Db, isbn: string, exceptId?: number) {
  const filters = [eq(books.isbn, isbn)];
  if (exceptId !== undefined) filters.push(ne(books.id, exceptId));
  const [clash] = await db
    .select({ id: books.id })
    .from(books)
    .where(and(...filters))
    .limit(1);
  if (clash) throw duplicateIsbn(isbn);
}

export async function createBook(ctx: ServiceContext, input: BookInput): Promise<Book> {
  const { db } = ctx;
  const now = ctx.clock();
  await assertIsbnFree(db, input.isbn);
  try {
    const [book] = await db
      .insert(books)
      .values({
        ...input,
        titleSearch: searchForm(input.title),
        authorSearch: searchForm(input.author),
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!book) throw new Error("book row was not created");
    return book;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateIsbn(input.isbn);
    throw error;
  }
}

/** PUT passes every field, PATCH some; either way the result is validated as a whole book. */
export async function updateBook(
  ctx: ServiceContext,
  id: number,
  changes: Partial<BookInput>,
): Promise<Book> {
  const { db } = ctx;
  const current = await getBook(db, id);
  const next = {
    title: changes.title ?? current.title,
    author: changes.author ?? current.author,
    year: changes.year ?? current.year,
    isbn: changes.isbn ?? current.isbn,
  };
  if (next.isbn !== current.isbn) await assertIsbnFree(db, next.isbn, id);
  try {
    const [book] = await db
      .update(books)
      .set({
        ...next,
        titleSearch: searchForm(next.title),
        authorSearch: searchForm(next.author),
        updatedAt: ctx.clock(),
      })
      .where(eq(books.id, id))
      .returning();
    if (!book) throw notFound(`There is no book ${id}.`);
    return book;
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicateIsbn(next.isbn);
    throw error;
  }
}

export async function deleteBook(ctx: ServiceContext, id: number): Promise<void> {
  const [gone] = await ctx.db.delete(books).where(eq(books.id, id)).returning({ id: books.id });
  if (!gone) throw notFound(`There is no book ${id}.`);
}
