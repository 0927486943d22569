import { env } from "cloudflare:workers";
import { links } from "../../src/modules";
import { createServiceContext, type ServiceContext } from "../../src/platform/context";

/** A service context as the Worker's queue and cron entries build it, with a test clock. */
export function testContext(
  overrides: Partial<Pick<ServiceContext, "clock" | "random">> = {},
): ServiceContext {
  return createServiceContext(env, { kind: "system" }, links, overrides);
}
