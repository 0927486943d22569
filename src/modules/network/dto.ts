import { z } from "@hono/zod-openapi";
import { moneySchema } from "../../lib/money";

export const LEVEL_NAMES = [
  "factory",
  "distributor",
  "dealership",
  "retail chain",
  "individual entrepreneur",
] as const;
export const MAX_LEVEL = LEVEL_NAMES.length - 1;

const text = (max: number) => z.string().trim().min(1).max(max);

const companyFields = {
  name: text(50),
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  country: text(100),
  city: text(100),
  street: text(100),
  house_number: text(20),
  supplier_id: z.number().int().positive().nullable().optional(),
  debt: moneySchema.openapi({ type: "number", example: 1250.5 }).optional(),
  product_ids: z.array(z.number().int().positive()).max(1000).optional(),
};

export const createCompanySchema = z.strictObject(companyFields).openapi("CreateCompany");
export const updateCompanySchema = z.strictObject(companyFields).partial().openapi("UpdateCompany");
export type CompanyInput = z.infer<typeof updateCompanySchema>;

const productOut = z.object({
  id: z.number().int(),
  name: z.string(),
  model: z.string(),
  release_date: z.string(),
});

export const companySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string(),
    country: z.string(),
    city: z.string(),
    street: z.string(),
    house_number: z.string(),
    level: z.number().int(),
    level_name: z.enum(LEVEL_NAMES),
    supplier_id: z.number().int().nullable(),
    supplier: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    debt: z.number(),
    created_at: z.string(),
    products: z.array(productOut),
  })
  .openapi("Company");

export const companyFilterSchema = z.object({
  city: z.string().trim().min(1).max(100).optional(),
  country: z.string().trim().min(1).max(100).optional(),
  level: z.coerce.number().int().min(0).max(MAX_LEVEL).optional(),
  product_id: z.coerce.number().int().positive().optional(),
  debt_above_average: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ type: "string", enum: ["true", "false"] }),
});

export const clearDebtSchema = z
  .strictObject({
    ids: z
      .array(z.number().int().positive())
      .min(1)
      .max(10_000)
      .refine((ids) => new Set(ids).size === ids.length, { message: "ids must be unique" }),
  })
  .openapi("ClearDebt");

export const productListSchema = z.array(productOut);
