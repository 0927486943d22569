import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../lib/ids";
import type { ApiKeyRow, User } from "./schema";

export const SCOPES = ["sales:write", "orders:write", "robots:write", "reports:read"] as const;
export const ROLES = ["admin", "owner", "manager"] as const;

export const USERNAME_PATTERN = "^[\\p{L}\\p{N}_.-]+$";

export const registerSchema = z
  .strictObject({
    username: z
      .string()
      .trim()
      .min(3)
      .max(50)
      .regex(new RegExp(USERNAME_PATTERN, "u"), "letters, digits, _ . - only")
      .openapi({ pattern: USERNAME_PATTERN, example: "anna_k" }),
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email().max(254))
      .openapi({ format: "email", example: "anna@example.com" }),
    password: z.string().min(8).max(128).openapi({ format: "password" }),
    company_id: bodyIdSchema
      .nullable()
      .optional()
      .openapi({ description: "The company an employee works for; it must exist" }),
  })
  .openapi("RegisterRequest");

export const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string().openapi({ format: "email" }),
    registered_at: z.string().openapi({ format: "date-time" }),
    company_id: z.number().int().nullable(),
  })
  .openapi("User");

export const userWithRoleSchema = userSchema
  .extend({
    role: z.enum(ROLES).nullable(),
    shop_ids: z
      .array(z.number().int())
      .nullable()
      .openapi({ description: "A manager's shops; null for other roles" }),
  })
  .openapi("UserWithRole");

const shopIdsSchema = z.array(bodyIdSchema).max(1000);

export const setRoleSchema = z
  .strictObject({
    role: z.enum(ROLES).nullable().openapi({ description: "null: no web role" }),
    shop_ids: shopIdsSchema
      .optional()
      .openapi({ description: "With `manager` (required): the shops the manager sees" }),
  })
  .superRefine((v, ctx) => {
    if (v.role === "manager" && v.shop_ids === undefined)
      ctx.addIssue({ code: "custom", path: ["shop_ids"], message: "a manager is bound to shops" });
    if (v.role !== "manager" && v.shop_ids !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["shop_ids"],
        message: "only managers are bound to shops",
      });
  })
  .openapi("SetRoleRequest");

export const loginSchema = z
  .strictObject({ username: z.string().min(1).max(50), password: z.string().min(1).max(128) })
  .openapi("LoginRequest");

export const refreshSchema = z
  .strictObject({ refresh: z.string().min(1).max(4096) })
  .openapi("RefreshRequest");

export const tokenPairSchema = z
  .object({
    access: z.string(),
    refresh: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ description: "Seconds the access token lives" }),
  })
  .openapi("TokenPair");

export const createApiKeySchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
    shop_id: bodyIdSchema.nullable().optional().openapi({ description: "For sales:write" }),
    seller: z
      .string()
      .trim()
      .min(1)
      .max(50)
      .nullable()
      .optional()
      .openapi({ description: "For orders:write" }),
    shop_ids: shopIdsSchema.optional().openapi({
      description: "For reports:read: the only shops the key's reports show (default every shop)",
    }),
  })
  .superRefine((v, ctx) => {
    if (v.shop_ids !== undefined && !v.scopes.includes("reports:read")) {
      ctx.addIssue({
        code: "custom",
        path: ["shop_ids"],
        message: "only reports:read keys are bound to shops' reports",
      });
    }
    if (v.scopes.includes("sales:write") && v.shop_id == null) {
      ctx.addIssue({
        code: "custom",
        path: ["shop_id"],
        message: "sales:write keys are bound to one shop",
      });
    }
    if (v.scopes.includes("orders:write") && v.seller == null) {
      ctx.addIssue({
        code: "custom",
        path: ["seller"],
        message: "orders:write keys are bound to one seller",
      });
    }
    // A binding the key's scopes do not use would look like a limit and be none.
    if (v.shop_id != null && !v.scopes.includes("sales:write")) {
      ctx.addIssue({
        code: "custom",
        path: ["shop_id"],
        message: "only sales:write keys are bound to a shop",
      });
    }
    if (v.seller != null && !v.scopes.includes("orders:write")) {
      ctx.addIssue({
        code: "custom",
        path: ["seller"],
        message: "only orders:write keys are bound to a seller",
      });
    }
  })
  .openapi("CreateApiKeyRequest");

export const apiKeySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The first characters of the key, to recognise it" }),
    scopes: z.array(z.enum(SCOPES)),
    shop_id: z.number().int().nullable(),
    seller: z.string().nullable(),
    shop_ids: z.array(z.number().int()).nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("ApiKey");

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().openapi({ description: "The key itself; shown only in this response" }),
  })
  .openapi("CreatedApiKey");

export function serializeUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    registered_at: user.registeredAt.toISOString(),
    company_id: user.companyId,
  };
}

export function serializeUserWithRole(user: User) {
  return { ...serializeUser(user), role: user.role, shop_ids: user.shopIds ?? null };
}

export function serializeKey(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as (typeof SCOPES)[number][],
    shop_id: row.shopId,
    seller: row.seller,
    shop_ids: row.shopIds ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
