import { createRoute, z } from "@hono/zod-openapi";
import { authenticate, requireScope } from "../../lib/auth";
import { bearer, createRouter, errors, jsonBody, jsonResponse } from "../../lib/openapi";
import { limitPerClient } from "../../lib/rate-limit";
import {
  createModelSchema,
  createRobotSchema,
  modelSchema,
  robotOrderResultSchema,
  robotOrderSchema,
  robotSchema,
  weeklyQuerySchema,
} from "./dto";
import { buildWeeklyWorkbook, XLSX_FILENAME, XLSX_TYPE } from "./report";
import { createModel, createRobot, listModels, orderRobot } from "./service";

/** The public order form is limited per client address. */
const limitOrders = limitPerClient((env) => env.ROBOT_ORDERS_LIMITER, "robot orders", 60);

export const robotModelRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Robots"],
      summary: "Add a robot model to the catalog",
      security: bearer,
      request: { body: jsonBody(createModelSchema) },
      responses: {
        201: jsonResponse(modelSchema, "The model"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: errors[409],
      },
    }),
    async (c) => {
      const row = await createModel(c.var.db, c.req.valid("json").code, new Date());
      return c.json({ id: row.id, code: row.code }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/",
      tags: ["Robots"],
      summary: "The robot model catalog",
      security: bearer,
      responses: {
        200: jsonResponse(z.object({ items: z.array(modelSchema) }), "Every model"),
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const rows = await listModels(c.var.db);
      return c.json({ items: rows.map((r) => ({ id: r.id, code: r.code })) }, 200);
    },
  );

export const robotRoutes = createRouter()
  .openapi(
    createRoute({
      method: "post",
      path: "/",
      tags: ["Robots"],
      summary: "Record a robot produced by the factory",
      description:
        "`created`: ISO 8601 with a zone, or `YYYY-MM-DD HH:MM:SS` read as UTC; not in the future. " +
        "Model and version are case-sensitive. If a customer waits for this serial, the oldest one gets it.",
      security: bearer,
      middleware: [authenticate, requireScope("robots:write")] as const,
      request: { body: jsonBody(createRobotSchema) },
      responses: {
        201: jsonResponse(robotSchema, "The robot"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        415: errors[415],
      },
    }),
    async (c) => {
      const robot = await createRobot(
        { db: c.var.db, mailQueue: c.env.MAIL_QUEUE },
        c.req.valid("json"),
      );
      return c.json(robot, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/orders",
      tags: ["Robots"],
      summary: "Order a robot by serial (public form, rate limited)",
      request: { body: jsonBody(robotOrderSchema) },
      middleware: [limitOrders] as const,
      responses: {
        201: jsonResponse(robotOrderResultSchema, "A robot in stock is reserved for you"),
        202: jsonResponse(robotOrderResultSchema, "None in stock: you are on the waiting list"),
        400: errors[400],
        415: errors[415],
        429: errors[429],
      },
    }),
    async (c) => {
      const { email, serial } = c.req.valid("json");
      const status = await orderRobot(c.var.db, email, serial, new Date());
      return status === "reserved" ? c.json({ status }, 201) : c.json({ status }, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/reports/weekly.xlsx",
      tags: ["Robots"],
      summary: "Weekly production workbook (one sheet per model)",
      description: "The 7 UTC days ending at `end` (inclusive), default today.",
      security: bearer,
      middleware: [authenticate, requireScope("reports:read")] as const,
      request: { query: weeklyQuerySchema },
      responses: {
        200: { description: "The workbook", content: { [XLSX_TYPE]: { schema: z.any() } } },
        400: errors[400],
        401: errors[401],
        403: errors[403],
      },
    }),
    async (c) => {
      const end = c.req.valid("query").end ?? new Date().toISOString().slice(0, 10);
      const body = await buildWeeklyWorkbook(c.var.db, end);
      return c.body(body.slice().buffer, 200, {
        "content-type": XLSX_TYPE,
        "content-disposition": `attachment; filename=${XLSX_FILENAME}`,
      });
    },
  );
