/**
 * Builds the web console into the Worker's static assets (dist/assets/console/): one script, one
 * stylesheet and the page, bundled and minified by esbuild. wrangler runs it before each deploy,
 * dry run and `wrangler dev` ([build] in wrangler.toml), and vitest before its projects start.
 * @module
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** wrangler.toml's [assets] directory: the console under console/, its headers at the top. */
export const ASSETS_DIR = join(ROOT, "dist/assets");
const SCRATCH_DIR = join(ROOT, "dist/.console-build");

export interface BuiltFile {
  name: string;
  bytes: number;
  gzipBytes: number;
}

/** Builds the console; each output file is replaced only when it changed, and atomically. */
export async function buildConsole(assetsDir = ASSETS_DIR): Promise<BuiltFile[]> {
  const outdir = join(assetsDir, "console");
  const result = await build({
    entryPoints: { console: join(ROOT, "console/src/main.tsx") },
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    write: false,
    outdir,
    legalComments: "none",
    logLevel: "warning",
  });
  const files = [
    ...result.outputFiles.map((f) => ({ path: f.path, contents: f.contents })),
    { path: join(outdir, "index.html"), contents: readFileSync(join(ROOT, "console/index.html")) },
    { path: join(assetsDir, "_headers"), contents: readFileSync(join(ROOT, "console/_headers")) },
  ];
  mkdirSync(outdir, { recursive: true });
  for (const file of files) replaceIfChanged(file.path, file.contents);
  return files.map((f) => ({
    name: f.path.slice(assetsDir.length + 1),
    bytes: f.contents.byteLength,
    gzipBytes: gzipSync(f.contents, { level: 9 }).byteLength,
  }));
}

/**
 * Test files start Workers in parallel, each dry run rebuilding while another Worker may be
 * reading the files: an unchanged file is left alone, a changed one is renamed into place whole.
 */
function replaceIfChanged(path: string, contents: Uint8Array): void {
  let current: Buffer | undefined;
  try {
    current = readFileSync(path);
  } catch {
    current = undefined;
  }
  if (current?.equals(contents)) return;
  mkdirSync(dirname(path), { recursive: true });
  // Written beside the assets, not among them: a Worker starting now lists that directory.
  mkdirSync(SCRATCH_DIR, { recursive: true });
  const temporary = join(SCRATCH_DIR, `${basename(path)}.${process.pid}`);
  writeFileSync(temporary, contents);
  renameSync(temporary, path);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildConsole();
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  // What a browser loads; _headers is the asset router's, never sent.
  const shipped = files.filter((f) => f.name.startsWith("console/"));
  const total = shipped.reduce((sum, f) => sum + f.gzipBytes, 0);
  const list = shipped.map((f) => `${f.name} ${kib(f.bytes)} (${kib(f.gzipBytes)} gzipped)`);
  console.log(`console: ${list.join(", ")}; ${kib(total)} gzipped in all`);
}
