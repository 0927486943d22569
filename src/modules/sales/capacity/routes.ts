import { z } from "@hono/zod-openapi";
import { guards } from "../../../platform/http/guards";
import { jsonResponse } from "../../../platform/http/openapi";
import { defineRoute } from "../../../platform/http/route";
import { capacity } from "./capacity";

const tags = ["Archive"];
const capacitySchema = z
  .object({
    size_bytes: z.number().int().openapi({ description: "D1's size now, as D1 reports it" }),
    limit_bytes: z.number().int(),
    percent: z.number(),
    warning: z.boolean().openapi({ description: "Above 80 % of the limit" }),
    rows: z
      .record(z.string(), z.number().int())
      .openapi({ description: "Rows per table, as counted at `counted_at`" }),
    counted_at: z.string(),
    bytes_per_sale: z.number().int().nullable().openapi({
      description:
        "D1's bytes over the sales it held at the count: rollups and other tables included",
    }),
    sales_per_day: z.number().int().openapi({ description: "Over the last 7 full days" }),
    full_on: z.iso.date().nullable().openapi({
      description: "The UTC day the recent rate fills the limit; null without sales lately",
    }),
  })
  .openapi("D1Capacity");

export const capacityRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/capacity",
      operationId: "getD1Capacity",
      guard: guards.admin,
      tags,
      summary: "How full D1 is, and when the recent rate of sales fills it",
      description:
        "docs/ARCHIVE.md#d1s-capacity: the size and the rate are read now, the rows per table are the daily `d1-capacity` job's last count (POST /api/v1/admin/jobs/d1-capacity/run counts again).",
      responses: { 200: jsonResponse(capacitySchema, "D1's capacity") },
    },
    async (c) => {
      const d = await capacity(c.var.ctx);
      return c.json(
        {
          size_bytes: d.sizeBytes,
          limit_bytes: d.limitBytes,
          percent: d.percent,
          warning: d.warning,
          rows: d.rows,
          counted_at: d.countedAt.toISOString(),
          bytes_per_sale: d.bytesPerSale,
          sales_per_day: d.salesPerDay,
          full_on: d.fullOn,
        },
        200,
      );
    },
  ),
];
