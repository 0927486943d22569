// The Chromium the browser tests drive: CHROMIUM_PATH, else Debian's (`apt-get install
// chromium`, what CI uses), else the headless build @sparticuz/chromium ships inside its npm
// tarball, so that `npm install && npm test` works on a fresh Linux machine.
// CHROMIUM_PATH=npm picks the packaged one even where Debian's is installed.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const DEBIAN = "/usr/bin/chromium";

/** @returns {Promise<{ executablePath: string, env: Record<string, string>, source: string }>} */
export async function resolveChromium() {
  const wanted = process.env.CHROMIUM_PATH;
  if (wanted && wanted !== "npm") return { executablePath: wanted, env: {}, source: wanted };
  if (!wanted && existsSync(DEBIAN)) return { executablePath: DEBIAN, env: {}, source: DEBIAN };
  const { default: packaged, inflate } = await import("@sparticuz/chromium");
  const bin = path.join(
    path.dirname(createRequire(import.meta.url).resolve("@sparticuz/chromium")),
    "../bin",
  );
  // The build links NSS and expat, which a base system may lack; the package carries them too.
  const libs = path.join(await inflate(path.join(bin, "al2023.tar.br")), "lib");
  const executablePath = await packaged.executablePath();
  const env = {
    LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
  };
  return { executablePath, env, source: "@sparticuz/chromium (npm)" };
}
