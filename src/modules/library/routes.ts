import { createRoute } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { authenticate } from "../../lib/auth";
import { ApiError } from "../../lib/errors";
import {
  bearer,
  createRouter,
  errors,
  idParamSchema,
  jsonBody,
  jsonResponse,
} from "../../lib/openapi";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { bookInputSchema, bookPatchSchema, bookQuerySchema, bookSchema } from "./dto";
import { createBook, deleteBook, getBook, listBooks, serializeBook, updateBook } from "./service";

/** Book writes: any signed-in user (access JWT), or the operator. */
const signedIn = createMiddleware<AppEnv>(async (c, next) => {
  const kind = c.var.principal.kind;
  if (kind !== "user" && kind !== "admin") {
    throw new ApiError("forbidden", "Changing books needs a signed-in user's access token.");
  }
  await next();
});

const writeErrors = { 400: errors[400], 401: errors[401], 403: errors[403], 415: errors[415] };

export const bookRoutes = createRouter()
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Library"],
      summary: "List books; filter by author or title (contains, any case)",
      request: { query: pageQuerySchema.extend(bookQuerySchema.shape) },
      responses: { 200: jsonResponse(pageSchema(bookSchema), "A page of books"), 400: errors[400] },
    }),
    async (c) => {
      const { limit, cursor, author, q } = c.req.valid("query");
      const rows = await listBooks(c.var.db, { author, q }, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeBook), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/{id}",
      tags: ["Library"],
      summary: "One book",
      request: { params: idParamSchema },
      responses: { 200: jsonResponse(bookSchema, "The book"), 400: errors[400], 404: errors[404] },
    }),
    async (c) => c.json(serializeBook(await getBook(c.var.db, c.req.valid("param").id)), 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Library"],
      summary: "Add a book",
      security: bearer,
      middleware: [authenticate, signedIn] as const,
      request: { body: jsonBody(bookInputSchema) },
      responses: { 201: jsonResponse(bookSchema, "The book"), ...writeErrors, 409: errors[409] },
    }),
    async (c) =>
      c.json(serializeBook(await createBook(c.var.db, c.req.valid("json"), new Date())), 201),
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["Library"],
      summary: "Remove a book",
      security: bearer,
      middleware: [authenticate, signedIn] as const,
      request: { params: idParamSchema },
      responses: {
        204: { description: "Removed" },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      await deleteBook(c.var.db, c.req.valid("param").id);
      return c.body(null, 204);
    },
  );

// PUT replaces (every field required), PATCH changes some: one handler, two body schemas.
const updates = [
  { method: "put", body: bookInputSchema, summary: "Replace a book (every field required)" },
  { method: "patch", body: bookPatchSchema, summary: "Change some fields of a book" },
] as const;
for (const update of updates) {
  bookRoutes.openapi(
    createRoute({
      method: update.method,
      path: "/{id}",
      tags: ["Library"],
      summary: update.summary,
      security: bearer,
      middleware: [authenticate, signedIn] as const,
      request: { params: idParamSchema, body: jsonBody(update.body) },
      responses: {
        200: jsonResponse(bookSchema, "The book"),
        ...writeErrors,
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const book = await updateBook(c.var.db, id, c.req.valid("json"), new Date());
      return c.json(serializeBook(book), 200);
    },
  );
}
