import { z } from "zod";

const configSchema = z.object({
  ADMIN_TOKEN: z.string().min(16, "ADMIN_TOKEN must have at least 16 characters"),
  JWT_SECRET: z.string().min(32, "JWT_SECRET must have at least 32 characters"),
  MAIL_TRANSPORT: z.enum(["outbox", "send_email"]).default("send_email"),
  MAIL_FROM: z.string().email().default("no-reply@retail-edge.example"),
});

export type Config = z.infer<typeof configSchema> & { jwtKey: Uint8Array };

// Secrets are checked once per isolate (one env object per isolate), not per request.
const cache = new WeakMap<object, Config>();

export function getConfig(env: Env): Config {
  let config = cache.get(env);
  if (!config) {
    const parsed = configSchema.safeParse(env);
    if (!parsed.success) {
      throw new Error(
        `Worker misconfigured: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    config = { ...parsed.data, jwtKey: new TextEncoder().encode(parsed.data.JWT_SECRET) };
    cache.set(env, config);
  }
  return config;
}
