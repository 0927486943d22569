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

/** A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");

export type DocLink = { from: string; doc: string; anchor: string; found: boolean };

/**
 * Every `docs/<name>.md#anchor` a source file, a doc or the README names (a doc's own links
 * name their neighbours as `<name>.md#anchor`), and whether the heading is there; and every
 * place that still points at a document outside the repository ("SPEC §").
 */
export function docLinks(root: string): { links: DocLink[]; outside: string[] } {
  const docsDir = path.join(root, "docs");
  const docs = readdirSync(docsDir).filter((f) => f.endsWith(".md"));
  const anchors = new Map(
    docs.map((d) => [
      d,
      new Set(
        [...readFileSync(path.join(docsDir, d), "utf8").matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
          slug(m[1] ?? ""),
        ),
      ),
    ]),
  );
  const texts = [
    ...walk(path.join(root, "src")),
    ...docs.map((d) => path.join(docsDir, d)),
    path.join(root, "README.md"),
  ];
  const links: DocLink[] = [];
  const outside: string[] = [];
  for (const file of texts) {
    const text = readFileSync(file, "utf8");
    const from = path.relative(root, file);
    const inDocs = from.startsWith("docs/");
    for (const m of text.matchAll(/(docs\/)?([A-Z]+)\.md#([\w-]+)/g)) {
      if (!m[1] && !inDocs) continue;
      const doc = `${m[2]}.md`;
      const anchor = m[3] ?? "";
      links.push({ from, doc, anchor, found: anchors.get(doc)?.has(anchor) ?? false });
    }
    if (/SPEC §/.test(text)) outside.push(from);
  }
  return { links, outside };
}
