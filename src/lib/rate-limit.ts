import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "./errors";

const LOOPBACK = new Set(["127.0.0.1", "::1"]);

/**
 * Limits requests per client address with a Workers Rate Limiting binding (its limit and
 * period live in wrangler.toml). Past the limit: 429 with Retry-After. Cloudflare's edge always
 * sets cf-connecting-ip; a request without it or from loopback (local tools such as the seed,
 * which Miniflare tags 127.0.0.1) is not limited.
 */
export function limitPerClient(
  binding: (env: Env) => RateLimit,
  what: string,
  periodSeconds: number,
) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const client = c.req.header("cf-connecting-ip");
    if (client === undefined || LOOPBACK.has(client)) return next();
    const { success } = await binding(c.env).limit({ key: client });
    if (!success) {
      throw new ApiError("rate_limited", `Too many ${what} from this address; try again shortly.`, {
        headers: { "retry-after": String(periodSeconds) },
      });
    }
    await next();
  });
}
