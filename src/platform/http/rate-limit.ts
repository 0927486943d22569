import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { HttpError } from "../../lib/errors";

const LOOPBACK = new Set(["127.0.0.1", "::1"]);

/** A per-client limit: a Workers Rate Limiting binding (its limit and period in wrangler.toml). */
export type ClientRateLimit = {
  binding: "AUTH_LIMITER" | "ROBOT_ORDERS_LIMITER";
  /** What is being limited, for the 429's detail: "sign-in attempts". */
  what: string;
  periodSeconds: number;
};

/**
 * Past the limit: 429 with Retry-After. Cloudflare's edge always sets cf-connecting-ip; a
 * request without it or from loopback (local tools such as the seed, which Miniflare tags
 * 127.0.0.1) is not limited.
 */
export function limitPerClient(limit: ClientRateLimit) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const client = c.req.header("cf-connecting-ip");
    if (client === undefined || LOOPBACK.has(client)) return next();
    const { success } = await c.env[limit.binding].limit({ key: client });
    if (!success) {
      throw new HttpError(
        "rate_limited",
        `Too many ${limit.what} from this address; try again shortly.`,
        { headers: { "retry-after": String(limit.periodSeconds) } },
      );
    }
    await next();
  });
}
