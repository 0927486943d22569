import { z } from "@hono/zod-openapi";
import { HttpError, notFound } from "../../lib/errors";
import { idSchema } from "../../lib/ids";
import { guards } from "../../platform/http/guards";
import { errors, jsonResponse } from "../../platform/http/openapi";
import { defineRoute } from "../../platform/http/route";
import { terminalIdSchema } from "./dto";
import { ingestStub } from "./ingest-do";
import { shardOf } from "./shards";
import { syncOf } from "./terminals";

const syncSchema = z
  .object({
    terminal_id: z.string(),
    shop_id: z.number().int(),
    received_through: z.number().int().openapi({
      description: "Every seq from 1 up to this one is held",
    }),
    highest_seq: z.number().int().openapi({ description: "The highest seq held (0: none)" }),
    gaps: z.array(z.tuple([z.number().int(), z.number().int()])).openapi({
      description: "Ranges [from, to] below highest_seq that are not held: send them again",
    }),
    last_seen_at: z.string().nullable().openapi({ format: "date-time" }),
  })
  .openapi("TerminalSync");

export const terminalRoutes = [
  defineRoute(
    {
      method: "get",
      path: "/api/v1/terminals/{terminal_id}/sync",
      operationId: "terminalSync",
      guard: guards.scopes("sales:write"),
      tags: ["Sales"],
      summary: "What the server holds from a terminal",
      description:
        "The seqs (SPEC §4.2) the shop's shard holds from this terminal, as the highest contiguous one, the highest, and the gaps: " +
        "a terminal re-sends what is missing, and one whose storage was wiped resumes at highest_seq + 1. A `sales:write` key " +
        "answers for its own shop; the operator names the shop with `?shop_id=`. A terminal never heard of has all zeros.",
      request: {
        params: z.object({
          terminal_id: terminalIdSchema.openapi({ param: { name: "terminal_id", in: "path" } }),
        }),
        query: z.object({ shop_id: idSchema.optional() }),
      },
      responses: { 200: jsonResponse(syncSchema, "The terminal's state"), 404: errors[404] },
    },
    async (c) => {
      const terminalId = c.req.valid("param").terminal_id;
      const asked = c.req.valid("query").shop_id;
      const p = c.var.ctx.principal;
      const bound = p.kind === "api_key" ? p.shopId : null;
      if (bound !== null && asked !== undefined && asked !== bound)
        throw notFound(`Shop ${asked} is not this key's.`);
      const shopId = bound ?? asked;
      if (shopId === undefined) {
        throw new HttpError("validation_failed", "Name the shop.", {
          errors: [{ path: "shop_id", message: "required without a key bound to a shop" }],
        });
      }
      const state = await ingestStub(c.env, shardOf(shopId)).terminal(shopId, terminalId);
      return c.json({ terminal_id: terminalId, shop_id: shopId, ...syncOf(state) }, 200);
    },
  ),
];
