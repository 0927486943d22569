import { idParams } from "../../lib/ids";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import {
  bookInputSchema,
  bookPatchSchema,
  bookQuerySchema,
  bookSchema,
  serializeBook,
} from "./dto";
import { createBook, deleteBook, getBook, listBooks, updateBook } from "./service";

const tags = ["Library"];
const found = { 404: errors[404] };

// PUT replaces (every field required), PATCH changes some: one handler, two body schemas.
const updates = [
  {
    method: "put",
    operationId: "replaceBook",
    body: bookInputSchema,
    summary: "Replace a book (every field required)",
  },
  {
    method: "patch",
    operationId: "updateBook",
    body: bookPatchSchema,
    summary: "Change some fields of a book",
  },
] as const;

export const libraryRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/books",
      operationId: "listBooks",
      guard: guards.public,
      tags,
      summary: "List books; filter by author or title (contains, any case)",
      description: "`author` and `q` match a part, in any case and script.",
      request: { query: pageQuerySchema.extend(bookQuerySchema.shape) },
      responses: { 200: jsonResponse(pageSchema(bookSchema), "A page of books") },
    },
    async (c) => {
      const { limit, cursor, author, q } = c.req.valid("query");
      const rows = await listBooks(c.var.ctx.db, { author, q }, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeBook), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/books/{id}",
      operationId: "getBook",
      guard: guards.public,
      tags,
      summary: "One book",
      description: "ISBNs come without hyphens.",
      request: { params: idParams },
      responses: { 200: jsonResponse(bookSchema, "The book"), ...found },
    },
    async (c) => c.json(serializeBook(await getBook(c.var.ctx.db, c.req.valid("param").id)), 200),
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/books",
      operationId: "createBook",
      guard: guards.user,
      tags,
      summary: "Add a book",
      description: "ISBN-10 or ISBN-13 with a valid check digit; the same ISBN twice is a 409.",
      request: { body: jsonBody(bookInputSchema) },
      responses: { 201: jsonResponse(bookSchema, "The book"), 409: errors[409] },
    },
    async (c) => c.json(serializeBook(await createBook(c.var.ctx, c.req.valid("json"))), 201),
  ),
  ...updates.map((update) =>
    defineRoute(
      {
        method: update.method,
        path: "/api/v1/books/{id}",
        operationId: update.operationId,
        guard: guards.user,
        tags,
        summary: update.summary,
        description: "The result is checked as a whole book; another book's ISBN is a 409.",
        request: { params: idParams, body: jsonBody(update.body) },
        responses: { 200: jsonResponse(bookSchema, "The book"), ...found, 409: errors[409] },
      },
      async (c) => {
        const book = await updateBook(c.var.ctx, c.req.valid("param").id, c.req.valid("json"));
        return c.json(serializeBook(book), 200);
      },
    ),
  ),
  defineRoute(
    {
      method: "delete",
      path: "/api/v1/books/{id}",
      operationId: "deleteBook",
      guard: guards.user,
      tags,
      summary: "Remove a book",
      description: "Any signed-in user may remove a book.",
      request: { params: idParams },
      responses: { 204: { description: "Removed" }, ...found },
    },
    async (c) => {
      await deleteBook(c.var.ctx, c.req.valid("param").id);
      return c.body(null, 204);
    },
  ),
];
