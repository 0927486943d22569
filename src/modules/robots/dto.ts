import { z } from "@hono/zod-openapi";

const code = z.string().regex(/^[A-Za-z0-9]{2}$/, "exactly 2 letters or digits");
const FACTORY_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/** ISO 8601 with a zone, or the factory's `YYYY-MM-DD HH:MM:SS` read as UTC; never in the future. */
export const createdSchema = z
  .string()
  .transform((value, ctx) => {
    const factory = value.match(FACTORY_TIME);
    const iso = factory ? `${factory[1]}T${factory[2]}Z` : value;
    const valid = z.iso.datetime({ offset: true }).safeParse(iso).success;
    const ms = valid ? Date.parse(iso) : Number.NaN;
    if (!Number.isFinite(ms)) {
      ctx.addIssue({
        code: "custom",
        message: "ISO 8601 with a zone, or YYYY-MM-DD HH:MM:SS (UTC)",
      });
      return z.NEVER;
    }
    if (ms > Date.now()) {
      ctx.addIssue({ code: "custom", message: "must not be in the future" });
      return z.NEVER;
    }
    return new Date(ms);
  })
  .openapi({ type: "string", example: "2026-11-20 08:30:00" });

export const createRobotSchema = z
  .strictObject({ model: code, version: code, created: createdSchema })
  .openapi("CreateRobot");

export const robotSchema = z
  .object({
    serial: z.string(),
    model: z.string(),
    version: z.string(),
    created: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Robot");

export const stockRobotSchema = robotSchema
  .extend({ id: z.number().int(), status: z.enum(["in_stock", "reserved"]) })
  .openapi("StockRobot");

export const robotOrderRowSchema = z
  .object({
    id: z.number().int(),
    email: z.string().openapi({ format: "email" }),
    serial: z.string(),
    status: z.enum(["waiting", "reserved"]),
    created_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("RobotOrderEntry");

export const createModelSchema = z.strictObject({ code }).openapi("CreateRobotModel");
export const modelSchema = z
  .object({ id: z.number().int(), code: z.string() })
  .openapi("RobotModel");

export const robotOrderSchema = z
  .strictObject({
    email: z
      .string()
      .trim()
      .toLowerCase()
      .pipe(z.email().max(254))
      .openapi({ format: "email", example: "customer@example.com" }),
    serial: z.string().regex(/^[A-Za-z0-9]{2}-[A-Za-z0-9]{2}$/, "MODEL-VERSION, e.g. R2-D2"),
  })
  .openapi("RobotOrder");

export const robotOrderResultSchema = z
  .object({ status: z.enum(["reserved", "waiting"]) })
  .openapi("RobotOrderResult");

export const weeklyQuerySchema = z.object({
  end: z.iso.date().optional().openapi({
    format: "date",
    example: "2026-11-22",
    description: "Last day of the week (UTC); default today",
  }),
});

type RobotRow = { id: number; serial: string; model: string; version: string; createdAt: Date };

export function serializeRobot(r: Omit<RobotRow, "id">) {
  return {
    serial: r.serial,
    model: r.model,
    version: r.version,
    created: r.createdAt.toISOString(),
  };
}

export function serializeStockRobot(r: RobotRow & { status: "in_stock" | "reserved" }) {
  return { id: r.id, ...serializeRobot(r), status: r.status };
}

export function serializeRobotOrder(o: {
  id: number;
  email: string;
  serial: string;
  status: "waiting" | "reserved";
  createdAt: Date;
}) {
  return {
    id: o.id,
    email: o.email,
    serial: o.serial,
    status: o.status,
    created_at: o.createdAt.toISOString(),
  };
}
