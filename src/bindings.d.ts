// Settings that wrangler.toml does not declare, so `wrangler types` cannot see them.
interface Env {
  /** Browser origins allowed to call the API cross-origin, comma-separated (config.ts). */
  CORS_ORIGINS?: string;
}

declare module "qrcode/lib/server.js" {
  export * from "qrcode";
}
