// Settings that wrangler.toml does not declare, so `wrangler types` cannot see them.
interface Env {
  /** "true" mounts the benchmark's baseline routes (scripts/bench.mjs sets it; never deployed). */
  BENCH_ROUTES?: string;
}

declare module "qrcode/lib/server.js" {
  export * from "qrcode";
}
