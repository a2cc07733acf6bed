/**
 * The Worker's bundle for local serving, built once per version of what goes into it: `npm start`
 * after a crash or a restart serves again without re-bundling (`wrangler deploy --dry-run` takes
 * seconds). Kept under node_modules/.cache/cmq-edge/ (the usual home of build caches; gitignored),
 * keyed by a digest of the Worker's sources and its build's watched folders (as its wrangler config
 * names them), the config and the lockfile.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { unstable_readConfig } from "wrangler";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CACHE = join(ROOT, "node_modules", ".cache", "cmq-edge");
/** Bundles of older sources kept, for switching branches back and forth. */
const KEEP = 4;

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * What the bundle is made from, as the wrangler config says: the folder of its entry point, and
 * the folders its custom build watches (the console's sources, which build its assets).
 */
function sourcesOf(configPath: string): string[] {
  const config = unstable_readConfig({ config: configPath });
  if (!config.main) throw new Error(`${configPath} names no main entry point`);
  const watched = config.build.watch_dir;
  const dirs = [dirname(config.main), ...(Array.isArray(watched) ? watched : [watched])];
  return [...new Set(dirs.map((dir) => resolve(dirname(configPath), dir)))];
}

/** The static assets folder the build fills, when the Worker has one. */
function assetsOf(configPath: string): string | undefined {
  const directory = unstable_readConfig({ config: configPath }).assets?.directory;
  return directory && resolve(dirname(configPath), directory);
}

/** A digest of every input of the bundle: what changes it makes a new one. */
function digestOf(configPath: string): string {
  const inputs = [
    ...sourcesOf(configPath).flatMap((dir) => (existsSync(dir) ? filesUnder(dir) : [])),
    configPath,
    join(ROOT, "package-lock.json"),
  ].sort();
  const hash = createHash("sha256");
  for (const file of inputs) {
    hash.update(relative(ROOT, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function wranglerBin(): string {
  return join(
    dirname(new URL(import.meta.resolve("wrangler")).pathname),
    "..",
    "bin",
    "wrangler.js",
  );
}

/** Keeps the KEEP most recently used bundles. */
function prune(): void {
  const bundles = readdirSync(CACHE)
    .filter((name) => name.startsWith("bundle-"))
    .map((name) => ({ path: join(CACHE, name), used: statSync(join(CACHE, name)).mtimeMs }))
    .sort((a, b) => b.used - a.used);
  for (const old of bundles.slice(KEEP)) rmSync(old.path, { recursive: true, force: true });
}

/** The bundle's entry file in `dir`, named by wrangler after the entry point; undefined if none. */
function entryIn(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((file) => file.endsWith(".js"));
  return name && join(dir, name);
}

/** The entry file of the bundle of the Worker `configPath` describes. */
export function workerBundle(configPath: string): string {
  const dir = join(CACHE, `bundle-${digestOf(configPath)}`);
  const built = entryIn(dir);
  // The build also writes the assets (outside the cache): without them, build again.
  const assets = assetsOf(configPath);
  if (built && (!assets || existsSync(assets))) {
    const now = new Date();
    utimesSync(dir, now, now);
    return built;
  }
  mkdirSync(CACHE, { recursive: true });
  // Built beside, then moved in whole: a concurrent start never sees half a bundle.
  const building = mkdtempSync(join(CACHE, "building-"));
  try {
    execFileSync(
      process.execPath,
      [wranglerBin(), "deploy", "--dry-run", "--env=", "--outdir", building, "-c", configPath],
      {
        stdio: "ignore",
        env: {
          ...process.env,
          WRANGLER_SEND_METRICS: "false",
          CLOUDFLARE_CF_FETCH_ENABLED: "false",
        },
      },
    );
    if (!entryIn(building)) throw new Error(`wrangler left no bundle in ${building}`);
    try {
      renameSync(building, dir);
    } catch (error) {
      // Another start finished the same bundle first: use that one.
      if (!entryIn(dir)) throw error;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  prune();
  return entryIn(dir) as string;
}
