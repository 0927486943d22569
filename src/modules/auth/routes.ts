import { createRoute } from "@hono/zod-openapi";
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
import { limitPerClient } from "../../lib/rate-limit";
import { companyExists } from "../network/service";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import {
  apiKeySchema,
  createApiKeySchema,
  createdApiKeySchema,
  loginSchema,
  refreshSchema,
  registerSchema,
  tokenPairSchema,
  userSchema,
} from "./dto";
import type { apiKeys } from "./schema";
import { login, refresh, registerUser, serializeUser } from "./service";

export const authRoutes = createRouter();
authRoutes.use(limitPerClient((env) => env.AUTH_LIMITER, "sign-in attempts", 60));
authRoutes
  .openapi(
    createRoute({
      method: "post",
      path: "/register",
      tags: ["Auth"],
      summary: "Register a user; the welcome e-mail is queued",
      request: { body: jsonBody(registerSchema) },
      responses: {
        201: jsonResponse(userSchema, "The new user"),
        400: errors[400],
        409: errors[409],
        415: errors[415],
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      if (body.company_id != null && !(await companyExists(c.var.db, body.company_id))) {
        throw new ApiError("validation_failed", `There is no company ${body.company_id}.`, {
          errors: [{ path: "company_id", message: "unknown company" }],
        });
      }
      const user = await registerUser(
        { db: c.var.db, mailQueue: c.env.MAIL_QUEUE, now: new Date() },
        {
          username: body.username,
          email: body.email,
          password: body.password,
          companyId: body.company_id ?? null,
        },
      );
      return c.json(serializeUser(user), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/login",
      tags: ["Auth"],
      summary: "Exchange a username and password for an access and a refresh token",
      request: { body: jsonBody(loginSchema) },
      responses: {
        200: jsonResponse(tokenPairSchema, "A token pair"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid("json");
      return c.json(await login(c.var.db, c.var.config.jwtKey, username, password), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/refresh",
      tags: ["Auth"],
      summary: "Exchange a refresh token for a new pair",
      request: { body: jsonBody(refreshSchema) },
      responses: {
        200: jsonResponse(tokenPairSchema, "A new token pair"),
        400: errors[400],
        401: errors[401],
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      return c.json(await refresh(c.var.db, c.var.config.jwtKey, body.refresh), 200);
    },
  );

function serializeKey(row: typeof apiKeys.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as (typeof apiKeySchema._output)["scopes"],
    shop_id: row.shopId,
    seller: row.seller,
    created_at: row.createdAt.toISOString(),
  };
}

export const apiKeyRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["API keys"],
      summary: "Create an API key (the key is shown once)",
      security: bearer,
      request: { body: jsonBody(createApiKeySchema) },
      responses: {
        201: jsonResponse(createdApiKeySchema, "The key"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const { row, key } = await createApiKey(
        c.var.db,
        {
          name: body.name,
          scopes: body.scopes,
          shopId: body.shop_id ?? null,
          seller: body.seller ?? null,
        },
        new Date(),
      );
      return c.json({ ...serializeKey(row), key }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["API keys"],
      summary: "List the live API keys (never the keys themselves)",
      security: bearer,
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(pageSchema(apiKeySchema), "A page of keys"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listApiKeys(c.var.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeKey), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/{id}",
      tags: ["API keys"],
      summary: "Revoke an API key (every isolate stops accepting it within 60 s)",
      security: bearer,
      request: { params: idParamSchema },
      responses: {
        204: { description: "Revoked" },
        400: errors[400],
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await revokeApiKey(c.var.db, id, new Date()))) {
        throw new ApiError("not_found", `There is no live API key ${id}.`);
      }
      return c.body(null, 204);
    },
  );
