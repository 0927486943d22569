import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jobRegistry, modules } from "../../src/modules";
import type { DocLink, SourceFile } from "./source-graph";

const files: SourceFile[] = JSON.parse(env.TEST_SOURCE_GRAPH);
const layer = (file: string) =>
  file.startsWith("modules/") ? `module:${file.split("/")[1]}` : (file.split("/")[0] ?? file);

describe("the structure: entry → pages → modules → platform → lib", () => {
  it("keeps the platform, db and lib free of modules", () => {
    const upward = files.flatMap((f) =>
      ["platform", "db", "lib"].includes(layer(f.file))
        ? f.imports
            .filter((i) => i.startsWith("modules") || i.startsWith("web/") || !i.includes("/"))
            .map((i) => `${f.file} → ${i}`)
        : [],
    );
    // env.ts holds the shared types (AppEnv, Principal) and counts as part of lib.
    expect(upward.filter((edge) => !edge.endsWith("→ env.ts"))).toEqual([]);
    const libUp = files.flatMap((f) =>
      layer(f.file) === "lib"
        ? f.imports
            .filter((i) => i.startsWith("platform") || i.startsWith("db"))
            .map((i) => `${f.file} → ${i}`)
        : [],
    );
    expect(libUp).toEqual([]);
  });

  it("keeps the modules free of the pages", () => {
    const toPages = files.flatMap((f) =>
      layer(f.file).startsWith("module:")
        ? f.imports.filter((i) => i.startsWith("web/")).map((i) => `${f.file} → ${i}`)
        : [],
    );
    expect(toPages).toEqual([]);
  });

  it("lets pages and modules reach a module only through its index.ts", () => {
    const reaching = files.flatMap((f) => {
      const own = layer(f.file);
      // The pages and the entry are held to the same rule as a module.
      return own !== "platform" && own !== "db" && own !== "lib"
        ? f.imports
            .filter(
              (i) =>
                layer(i).startsWith("module:") &&
                layer(i) !== own &&
                !/^modules\/\w+\/index\.ts$/.test(i),
            )
            .map((i) => `${f.file} → ${i}`)
        : [];
    });
    expect(reaching).toEqual([]);
  });

  it("has no import cycle", () => {
    const graph = new Map(files.map((f) => [f.file, f.imports]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, "done");
    };
    for (const f of files) visit(f.file, []);
    expect(cycles).toEqual([]);
  });

  it("keeps every source file under 300 lines", () => {
    expect(files.filter((f) => f.lines > 300).map((f) => `${f.file}: ${f.lines}`)).toEqual([]);
  });
});

// The sales module's flows (docs/ARCHITECTURE.md#the-sales-module): which flow may import which.
// The write path (ingest, shard, flush) and the read path (reports) never reach into each other;
// terminals reach neither; core is what they share and imports none of them.
const SALES_FLOWS: Record<string, readonly string[]> = {
  core: [],
  terminals: ["core", "archive"],
  ingest: ["core", "archive"],
  flush: ["core"],
  shard: ["core", "terminals", "flush", "archive"],
  reports: ["core", "archive", "fx"],
  // Closed months in R2: the write path, the read-back and the reports read it; it reads core.
  archive: ["core"],
  // D1's size and when it fills: reads core's tables only.
  capacity: ["core"],
  // Exchange rates and the conversion SQL the reports use: its own table only.
  fx: [],
  // A shop's history moved to new business days: rebuilds the rankings when done.
  rebucket: ["core", "archive", "reports"],
};
/** A sales file's flow ("" for the manifest), or null outside the sales module. */
const flowOf = (file: string): string | null => {
  if (!file.startsWith("modules/sales/")) return null;
  const parts = file.split("/");
  return parts.length > 3 ? (parts[2] ?? "") : "";
};
const FOLDER_FILES = 12;
const FOLDER_LINES = 1500;

describe("the sales module: one folder a flow", () => {
  const sales = files.filter((f) => flowOf(f.file) !== null);

  it("has every file in a flow's folder but its manifest", () => {
    const loose = sales.filter((f) => {
      const flow = flowOf(f.file) ?? "";
      return flow === "" ? f.file !== "modules/sales/index.ts" : !(flow in SALES_FLOWS);
    });
    expect(loose.map((f) => f.file)).toEqual([]);
  });

  it("imports across flows only as they allow, and only through a flow's index.ts (core is shared whole)", () => {
    const wrong = sales.flatMap((f) => {
      const from = flowOf(f.file) ?? "";
      if (from === "") return [];
      return f.imports
        .filter((i) => {
          const to = flowOf(i);
          if (to === null || to === from) return false;
          if (to === "" || !SALES_FLOWS[from]?.includes(to)) return true;
          return to !== "core" && i !== `modules/sales/${to}/index.ts`;
        })
        .map((i) => `${f.file} → ${i}`);
    });
    expect(wrong).toEqual([]);
  });

  it("holds the folder limits: the rule fails on a flow past them", () => {
    const over = (folders: Map<string, SourceFile[]>) =>
      [...folders]
        .map(([folder, list]) => ({
          folder,
          files: list.length,
          lines: list.reduce((n, f) => n + f.lines, 0),
        }))
        .filter((d) => d.files > FOLDER_FILES || d.lines > FOLDER_LINES);
    const folders = Map.groupBy(
      files.filter((f) => f.file.startsWith("modules/")),
      (f) => f.file.slice(0, f.file.lastIndexOf("/")),
    );
    expect(over(folders)).toEqual([]);
    // The same rule on a folder made too big: it would be caught.
    const crowded = Array.from({ length: FOLDER_FILES + 1 }, (_, i) => ({
      file: `modules/sales/shard/f${i}.ts`,
      lines: 10,
      imports: [],
    }));
    expect(over(new Map([["modules/sales/shard", crowded]]))).toHaveLength(1);
  });
});

describe("the contract inside the repo", () => {
  const { links, outside } = JSON.parse(env.TEST_DOC_LINKS) as {
    links: DocLink[];
    outside: string[];
  };

  it("is where every pointer at a rule leads: each docs/*.md#anchor names a heading there", () => {
    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((l) => !l.found).map((l) => `${l.from} → ${l.doc}#${l.anchor}`)).toEqual(
      [],
    );
    expect(links.some((l) => l.doc === "API.md" && l.anchor === "refunds")).toBe(true);
  });

  it("is never a document outside the repository", () => {
    expect(outside).toEqual([]);
  });
});

describe("the manifests", () => {
  it("declare exactly the crons wrangler.toml triggers", () => {
    const declared = [...new Set(jobRegistry.scheduled.map((j) => j.cron))].sort();
    expect(JSON.parse(env.TEST_WRANGLER_CRONS).sort()).toEqual(declared);
  });

  it("own every D1 table exactly once", async () => {
    const { results } = await env.DB.prepare(
      "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'",
    ).all<{ name: string }>();
    const owned = modules.flatMap((m) =>
      Object.values(m.tables).map(
        (t) => (t as unknown as Record<symbol, string>)[Symbol.for("drizzle:Name")],
      ),
    );
    expect(new Set(owned).size).toBe(owned.length);
    expect([...owned].sort()).toEqual(results.map((r) => r.name).sort());
  });

  it("give every route a unique operation id", () => {
    const ids = modules.flatMap((m) => m.routes.map((r) => r.spec.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
