// Runs in Node (from vitest.config.ts): what the structure test needs to know of the files,
// handed to the tests in workerd as bindings.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { unstable_readConfig } from "wrangler";

export type SourceFile = { file: string; lines: number; imports: string[] };

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function resolveImport(from: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith(".")) return null;
  const base = path.join(path.dirname(from), spec);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, "index.ts"),
    path.join(base, "index.tsx"),
  ];
  return candidates.find((c) => files.has(c)) ?? null;
}

/** Every file under src/ with its line count and the src files it imports (types included). */
export function sourceGraph(root: string): SourceFile[] {
  const src = path.join(root, "src");
  const paths = walk(src);
  const known = new Set(paths);
  return paths.map((file) => {
    const text = readFileSync(file, "utf8");
    const specs = [...text.matchAll(/(?:from|import)\s+"([^"]+)"/g)].map((m) => m[1] ?? "");
    const imports = specs
      .map((spec) => resolveImport(file, spec, known))
      .filter((target): target is string => target !== null)
      .map((target) => path.relative(src, target));
    return { file: path.relative(src, file), lines: text.split("\n").length, imports };
  });
}

export function wranglerCrons(root: string): string[] {
  return unstable_readConfig({ config: path.join(root, "wrangler.toml") }).triggers.crons ?? [];
}
