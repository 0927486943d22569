import { HttpError, notFound } from "../../lib/errors";
import { idParams } from "../../lib/ids";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { CHALLENGE, guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import type { ClientRateLimit } from "../../platform/http/rate-limit";
import { defineRoute } from "../../platform/http/route";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";
import {
  apiKeySchema,
  createApiKeySchema,
  createdApiKeySchema,
  loginSchema,
  refreshSchema,
  registerSchema,
  serializeKey,
  serializeUser,
  serializeUserWithRole,
  setRoleSchema,
  tokenPairSchema,
  userSchema,
  userWithRoleSchema,
} from "./dto";
import { listUsers, login, refresh, registerUser, setRole } from "./users";

/** Sign-up hashes a password and login invites guessing: both limited per client address. */
export const signInLimit: ClientRateLimit = {
  binding: "AUTH_LIMITER",
  what: "sign-in attempts",
  periodSeconds: 60,
};

const tags = ["Auth"];

const signIn = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/auth/register",
      operationId: "register",
      guard: guards.public,
      rateLimit: signInLimit,
      tags,
      summary: "Register a user; the welcome e-mail is queued",
      description:
        "Usernames are 3..50 letters, digits, `_ . -`; e-mails are unique in any case. With `company_id` the user is an employee of that company.",
      request: { body: jsonBody(registerSchema) },
      responses: { 201: jsonResponse(userSchema, "The new user"), 409: errors[409] },
    },
    async (c) => {
      const body = c.req.valid("json");
      const user = await registerUser(c.var.ctx, {
        username: body.username,
        email: body.email,
        password: body.password,
        companyId: body.company_id ?? null,
      });
      return c.json(serializeUser(user), 201);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/auth/login",
      operationId: "login",
      guard: guards.public,
      rateLimit: signInLimit,
      tags,
      summary: "Exchange a username and password for an access and a refresh token",
      description: "An unknown user and a wrong password are the same 401, and take as long.",
      request: { body: jsonBody(loginSchema) },
      responses: {
        200: jsonResponse(tokenPairSchema, "A token pair"),
        401: errors[401],
      },
    },
    async (c) => {
      const { username, password } = c.req.valid("json");
      const pair = await login(c.var.ctx, username, password);
      if (!pair) {
        throw new HttpError("unauthorized", "Unknown username or wrong password.", {
          headers: CHALLENGE,
        });
      }
      return c.json(pair, 200);
    },
  ),
  defineRoute(
    {
      method: "post",
      path: "/api/v1/auth/refresh",
      operationId: "refreshTokens",
      guard: guards.public,
      rateLimit: signInLimit,
      tags,
      summary: "Exchange a refresh token for a new pair",
      description: "Refresh tokens are stateless: the old one stays valid until it expires.",
      request: { body: jsonBody(refreshSchema) },
      responses: { 200: jsonResponse(tokenPairSchema, "A new token pair"), 401: errors[401] },
    },
    async (c) => {
      const pair = await refresh(c.var.ctx, c.req.valid("json").refresh);
      if (!pair) {
        throw new HttpError("unauthorized", "The refresh token is invalid or expired.", {
          headers: CHALLENGE,
        });
      }
      return c.json(pair, 200);
    },
  ),
];

const keyTags = ["API keys"];

const keys = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/api-keys",
      operationId: "createApiKey",
      guard: guards.admin,
      tags: keyTags,
      summary: "Create an API key (the key is shown once)",
      description:
        "`sales:write` keys are bound to one `shop_id`, `orders:write` keys to one `seller`.",
      request: { body: jsonBody(createApiKeySchema) },
      responses: { 201: jsonResponse(createdApiKeySchema, "The key") },
    },
    async (c) => {
      const body = c.req.valid("json");
      const { row, key } = await createApiKey(c.var.ctx, {
        name: body.name,
        scopes: body.scopes,
        shopId: body.shop_id ?? null,
        seller: body.seller ?? null,
        shopIds: body.shop_ids ?? null,
      });
      return c.json({ ...serializeKey(row), key }, 201);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/api-keys",
      operationId: "listApiKeys",
      guard: guards.admin,
      tags: keyTags,
      summary: "List the live API keys (never the keys themselves)",
      description: "Revoked keys are not listed.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(apiKeySchema), "A page of keys") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listApiKeys(c.var.ctx.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeKey), 200);
    },
  ),
  defineRoute(
    {
      method: "delete",
      path: "/api/v1/admin/api-keys/{id}",
      operationId: "revokeApiKey",
      guard: guards.admin,
      tags: keyTags,
      summary: "Revoke an API key (every isolate stops accepting it within 60 s)",
      description: "The revoking isolate stops at once; others when their cache entry expires.",
      request: { params: idParams },
      responses: { 204: { description: "Revoked" }, 404: errors[404] },
    },
    async (c) => {
      const { id } = c.req.valid("param");
      if (!(await revokeApiKey(c.var.ctx, id))) throw notFound(`There is no live API key ${id}.`);
      return c.body(null, 204);
    },
  ),
];

const userTags = ["Users"];

const roles = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/users",
      operationId: "listUsers",
      guard: guards.admin,
      tags: userTags,
      summary: "List users with their web roles",
      description: "Every registered user, by id.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(userWithRoleSchema), "A page of users") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listUsers(c.var.ctx.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeUserWithRole), 200);
    },
  ),
  defineRoute(
    {
      method: "put",
      path: "/api/v1/admin/users/{id}/role",
      operationId: "setUserRole",
      guard: guards.admin,
      tags: userTags,
      summary: "Grant or take away a web role",
      description:
        "`admin`: the web admin and everything the operator token allows; `owner`: the dashboard and all reports; " +
        "`manager` with `shop_ids`: the dashboard and reports of those shops only (docs/API.md#managers); `null`: none.",
      request: { params: idParams, body: jsonBody(setRoleSchema) },
      responses: { 200: jsonResponse(userWithRoleSchema, "The user"), 404: errors[404] },
    },
    async (c) => {
      const body = c.req.valid("json");
      const user = await setRole(c.var.ctx, c.req.valid("param").id, body.role, body.shop_ids);
      return c.json(serializeUserWithRole(user), 200);
    },
  ),
];

export const authRoutes = [...signIn, ...keys, ...roles];
