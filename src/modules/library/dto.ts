import { z } from "@hono/zod-openapi";
import { isbnProblem, normalizeIsbn } from "./isbn";
import type { Book } from "./schema";

const text255 = z.string().trim().min(1).max(255);

const isbnSchema = z
  .string()
  .max(40)
  .transform(normalizeIsbn)
  .superRefine((isbn, ctx) => {
    const problem = isbnProblem(isbn);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .openapi({ type: "string", example: "978-5-17-090630-7" });

const yearSchema = z
  .number()
  .int()
  .min(1)
  .refine((y) => y <= new Date().getUTCFullYear(), {
    message: "must not be after the current year",
  })
  .openapi({ example: 1869 });

export const bookInputSchema = z
  .strictObject({ title: text255, author: text255, year: yearSchema, isbn: isbnSchema })
  .openapi("BookInput");

export const bookPatchSchema = bookInputSchema.partial().openapi("BookPatch");

export type BookInput = z.infer<typeof bookInputSchema>;

export const bookSchema = z
  .object({
    id: z.number().int(),
    title: z.string(),
    author: z.string(),
    year: z.number().int(),
    isbn: z.string().openapi({ description: "Digits (and a final X for ISBN-10), no hyphens" }),
  })
  .openapi("Book");

export const bookQuerySchema = z.object({
  author: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "Author contains (any case)" }),
  q: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "Title contains (any case, any script)" }),
});

export function serializeBook(b: Book) {
  return { id: b.id, title: b.title, author: b.author, year: b.year, isbn: b.isbn };
}
