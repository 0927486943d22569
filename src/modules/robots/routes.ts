import { z } from "@hono/zod-openapi";
import { decodeCursor, pageQuerySchema, pageSchema, toPage } from "../../lib/pagination";
import { guards } from "../../platform/http/guards";
import { errors, jsonBody, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import {
  createModelSchema,
  createRobotSchema,
  modelSchema,
  robotOrderResultSchema,
  robotOrderRowSchema,
  robotOrderSchema,
  robotSchema,
  serializeRobot,
  serializeRobotOrder,
  serializeStockRobot,
  stockRobotSchema,
  weeklyQuerySchema,
} from "./dto";
import { buildWeeklyWorkbook, checkWeekEnd, XLSX_FILENAME, XLSX_TYPE } from "./report";
import {
  createModel,
  createRobot,
  listModels,
  listRobotOrders,
  listRobots,
  orderRobot,
} from "./service";

const tags = ["Robots"];

const catalog = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/admin/robot-models",
      operationId: "createRobotModel",
      guard: guards.admin,
      tags,
      summary: "Add a robot model to the catalog",
      description: "Codes are 2 letters or digits, case-sensitive; an existing code is a 409.",
      request: { body: jsonBody(createModelSchema) },
      responses: { 201: jsonResponse(modelSchema, "The model"), 409: errors[409] },
    },
    async (c) => {
      const row = await createModel(c.var.ctx, c.req.valid("json").code);
      return c.json({ id: row.id, code: row.code }, 201);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/robot-models",
      operationId: "listRobotModels",
      guard: guards.admin,
      tags,
      summary: "The robot model catalog",
      description: "Models by id.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(modelSchema), "A page of models") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listModels(c.var.ctx.db, decodeCursor(cursor), limit);
      return c.json(
        toPage(rows, limit, (r) => ({ id: r.id, code: r.code })),
        200,
      );
    },
  ),
];

const production = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/robots",
      operationId: "createRobot",
      guard: guards.scopes("robots:write"),
      tags,
      summary: "Record a robot produced by the factory",
      description:
        "`created`: ISO 8601 with a zone, or `YYYY-MM-DD HH:MM:SS` read as UTC; not in the future. " +
        "Model and version are case-sensitive. If a customer waits for this serial, the oldest one gets it.",
      request: { body: jsonBody(createRobotSchema) },
      responses: { 201: jsonResponse(robotSchema, "The robot") },
    },
    async (c) => c.json(serializeRobot(await createRobot(c.var.ctx, c.req.valid("json"))), 201),
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/robots",
      operationId: "listRobots",
      guard: guards.admin,
      tags,
      summary: "Robots produced, the last recorded first",
      description: "Each robot with whether it is in stock or reserved for a customer.",
      request: { query: pageQuerySchema },
      responses: { 200: jsonResponse(pageSchema(stockRobotSchema), "A page of robots") },
    },
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const rows = await listRobots(c.var.ctx.db, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeStockRobot), 200);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/robots/reports/weekly.xlsx",
      operationId: "weeklyRobotReport",
      guard: guards.scopes("reports:read"),
      tags,
      summary: "Weekly production workbook (one sheet per model)",
      description:
        "The 7 UTC days ending at `end` (inclusive), default today; an `end` after today is a 400. Header `Модель | Версия | Количество за неделю` in row 1, a row per version and a total row; the week is in the workbook's title and each sheet's printed header. The file name stays `weekly_production_summary.xlsx` here, as the contract fixes it (docs/API.md#robots); the web admin's download and the weekly e-mail name the week (`weekly_production_summary_<first day>_<end>.xlsx`).",
      request: { query: weeklyQuerySchema },
      responses: {
        200: {
          description: "The workbook",
          headers: {
            "Content-Disposition": {
              description: `attachment; filename=${XLSX_FILENAME}`,
              schema: { type: "string" },
            },
          },
          content: { [XLSX_TYPE]: { schema: z.string().openapi({ format: "binary" }) } },
        },
      },
    },
    async (c) => {
      const now = c.var.ctx.clock();
      const end = checkWeekEnd(c.req.valid("query").end ?? now.toISOString().slice(0, 10), now);
      const body = await buildWeeklyWorkbook(c.var.ctx.db, end);
      return c.body(body.slice().buffer, 200, {
        "content-type": XLSX_TYPE,
        "content-disposition": `attachment; filename=${XLSX_FILENAME}`,
      });
    },
  ),
];

const waitlist = [
  defineRoute(
    {
      method: "post",
      path: "/api/v1/robots/orders",
      operationId: "orderRobot",
      guard: guards.public,
      rateLimit: { binding: "ROBOT_ORDERS_LIMITER", what: "robot orders", periodSeconds: 60 },
      tags,
      summary: "Order a robot by serial (public form, rate limited)",
      description:
        "A robot of that serial in stock is reserved for the customer (201); otherwise the customer waits and is mailed when one is produced (202).",
      request: { body: jsonBody(robotOrderSchema) },
      responses: {
        201: jsonResponse(robotOrderResultSchema, "A robot in stock is reserved for you"),
        202: jsonResponse(robotOrderResultSchema, "None in stock: you are on the waiting list"),
      },
    },
    async (c) => {
      const { email, serial } = c.req.valid("json");
      const status = await orderRobot(c.var.ctx, email, serial);
      return status === "reserved" ? c.json({ status }, 201) : c.json({ status }, 202);
    },
  ),
  defineRoute(
    {
      method: "get",
      path: "/api/v1/admin/robots/orders",
      operationId: "listRobotOrders",
      guard: guards.admin,
      tags,
      summary: "Customers' robot orders: the waiting list and the reservations",
      description: "Oldest first; `status=waiting` is the waiting list.",
      request: {
        query: pageQuerySchema.extend({ status: z.enum(["waiting", "reserved"]).optional() }),
      },
      responses: { 200: jsonResponse(pageSchema(robotOrderRowSchema), "A page of orders") },
    },
    async (c) => {
      const { limit, cursor, status } = c.req.valid("query");
      const rows = await listRobotOrders(c.var.ctx.db, status, decodeCursor(cursor), limit);
      return c.json(toPage(rows, limit, serializeRobotOrder), 200);
    },
  ),
];

export const robotRoutes = [...catalog, ...production, ...waitlist];
