import { z } from "@hono/zod-openapi";
import { bodyIdSchema } from "../../lib/ids";
import { moneySchema, toMajor } from "../../lib/money";
import type { CompanyView } from "./schema";

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
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)).openapi({ format: "email" }),
  country: text(100),
  city: text(100),
  street: text(100),
  house_number: text(20),
  supplier_id: bodyIdSchema.nullable().optional().openapi({ description: "null: a factory" }),
  debt: moneySchema()
    .openapi({ type: "number", minimum: 0, multipleOf: 0.01, example: 1250.5 })
    .optional(),
  product_ids: z.array(bodyIdSchema).max(1000).optional(),
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
  level: z
    .enum(["0", "1", "2", "3", "4"])
    .transform(Number)
    .optional()
    .openapi({ type: "string", enum: ["0", "1", "2", "3", "4"] }),
  product_id: z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, "a product id")
    .transform(Number)
    .optional()
    .openapi({ type: "string", pattern: "^[1-9][0-9]{0,15}$" }),
  debt_above_average: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional()
    .openapi({ type: "string", enum: ["true", "false"] }),
});

export const clearDebtSchema = z
  .strictObject({
    ids: z
      .array(bodyIdSchema)
      .min(1)
      .max(10_000)
      .refine((ids) => new Set(ids).size === ids.length, { message: "ids must be unique" }),
  })
  .openapi("ClearDebt");

export const productListSchema = z.array(productOut);

export function serializeCompany(c: CompanyView) {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    country: c.country,
    city: c.city,
    street: c.street,
    house_number: c.houseNumber,
    level: c.level,
    level_name: LEVEL_NAMES[c.level] ?? LEVEL_NAMES[0],
    supplier_id: c.supplierId,
    supplier:
      c.supplierId !== null && c.supplierName !== null
        ? { id: c.supplierId, name: c.supplierName }
        : null,
    debt: toMajor(c.debtMinor),
    created_at: c.createdAt.toISOString(),
    products: c.products.map((p) => ({
      id: p.id,
      name: p.name,
      model: p.model,
      release_date: p.releaseDate,
    })),
  };
}
