import { z } from "@hono/zod-openapi";

export const SCOPES = ["sales:write", "orders:write", "robots:write", "reports:read"] as const;

export const registerSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(3)
      .max(50)
      .regex(/^[\p{L}\p{N}_.-]+$/u, "letters, digits, _ . - only"),
    email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
    password: z.string().min(8).max(128),
    company_id: z.number().int().positive().nullable().optional(),
  })
  .openapi("RegisterRequest");

export const userSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    email: z.string(),
    registered_at: z.string(),
    company_id: z.number().int().nullable(),
  })
  .openapi("User");

export const loginSchema = z
  .object({ username: z.string().min(1).max(50), password: z.string().min(1).max(128) })
  .openapi("LoginRequest");

export const refreshSchema = z
  .object({ refresh: z.string().min(1).max(4096) })
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
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
    shop_id: z.number().int().positive().nullable().optional(),
    seller: z.string().trim().min(1).max(50).nullable().optional(),
  })
  .superRefine((v, ctx) => {
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
    created_at: z.string(),
  })
  .openapi("ApiKey");

export const createdApiKeySchema = apiKeySchema
  .extend({
    key: z.string().openapi({ description: "The key itself; shown only in this response" }),
  })
  .openapi("CreatedApiKey");
