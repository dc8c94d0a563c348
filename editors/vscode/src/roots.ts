// Pure logic: which folders are metric-hub checkouts and which documents the
// client should hand to the server. No `vscode` import (unit-tested with node).

import * as path from "path";

/** A folder is a metric-hub root when it holds one of these directories. */
export const ROOT_MARKERS = ["definitions", "jetstream"] as const;

/** Files (relative to a metric-hub root) that jetls understands. */
export const RELEVANT_GLOBS = [
  "jetstream/**/*.toml",
  "definitions/*.toml",
  "opmon/**/*.toml",
  "looker/**/*.toml",
  "featmon/*.toml",
] as const;

/** Minimal file-system interface (injected so tests need no real files). */
export interface FsLike {
  isDirectory(p: string): boolean;
}

/** Is `dir` the root of a metric-hub checkout? */
export function isMetricHubRoot(dir: string, fs: FsLike): boolean {
  return ROOT_MARKERS.some((m) => fs.isDirectory(path.join(dir, m)));
}

/**
 * Walk up from `filePath` (a file or directory) to the nearest metric-hub root.
 * Stops at `stopAt` (inclusive) when given, else at the file-system root.
 * Returns undefined when the file is not inside a metric-hub checkout.
 */
export function findMetricHubRoot(filePath: string, fs: FsLike, stopAt?: string): string | undefined {
  let dir = fs.isDirectory(filePath) ? filePath : path.dirname(filePath);
  const stop = stopAt ? path.resolve(stopAt) : undefined;
  for (;;) {
    if (isMetricHubRoot(dir, fs)) {
      return climbSubtrees(dir, fs, stop);
    }
    if (stop !== undefined && path.resolve(dir) === stop) {
      return undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

/**
 * Top-level metric-hub folders that may themselves hold a `definitions/`
 * directory (e.g. `opmon/definitions/`). When the nearest root found is one of
 * these and its parent is a root too, the parent is the real checkout.
 */
export const SUBTREE_NAMES = ["opmon", "looker", "featmon", "jetstream", "definitions"] as const;

function climbSubtrees(dir: string, fs: FsLike, stop: string | undefined): string {
  let root = dir;
  while ((SUBTREE_NAMES as readonly string[]).includes(path.basename(root))) {
    if (stop !== undefined && path.resolve(root) === stop) {
      break;
    }
    const parent = path.dirname(root);
    if (parent === root || !isMetricHubRoot(parent, fs)) {
      break;
    }
    root = parent;
  }
  return root;
}

/**
 * Is `filePath` one of the files jetls handles, relative to `root`?
 * Mirrors RELEVANT_GLOBS without a glob library.
 */
export function isRelevantFile(root: string, filePath: string): boolean {
  const rel = path.relative(root, filePath);
  if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
    return false;
  }
  const parts = rel.split(/[\\/]+/);
  if (!parts[parts.length - 1].endsWith(".toml")) {
    return false;
  }
  const [top] = parts;
  switch (top) {
    case "jetstream":
    case "opmon":
    case "looker":
      return parts.length >= 2;
    case "definitions":
    case "featmon":
      return parts.length === 2;
    default:
      return false;
  }
}

/** Escape glob metacharacters in a literal path for use in a VS Code glob. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[\[\]{}()*?!]/g, (c) => `[${c}]`);
}

/** A DocumentFilter as understood by vscode-languageclient (structural subset). */
export interface DocumentFilterLike {
  language: string;
  scheme: string;
  pattern: string;
}

/**
 * Build the client's documentSelector.
 *
 * With known roots, patterns are anchored at each root so that a stray
 * `definitions/foo.toml` in some other project is left alone. Without roots
 * (should not happen: the extension does not start the client then), the
 * generic `**\/jetstream/**\/*.toml` style patterns are used.
 */
export function buildDocumentSelector(roots: readonly string[] = []): DocumentFilterLike[] {
  const bases = roots.length > 0 ? roots.map((r) => escapeGlob(toPosix(r)).replace(/\/+$/, "")) : ["**"];
  const out: DocumentFilterLike[] = [];
  for (const base of bases) {
    for (const glob of RELEVANT_GLOBS) {
      out.push({ language: "toml", scheme: "file", pattern: `${base}/${glob}` });
    }
  }
  return out;
}

/** The generic selector, used for schema hints and documentation. */
export const GENERIC_PATTERNS: string[] = RELEVANT_GLOBS.map((g) => `**/${g}`);

function toPosix(p: string): string {
  return p.replace(/\\/g, "/");
}

/** Keep the distinct roots, sorted, dropping roots nested inside another root. */
export function normalizeRoots(roots: Iterable<string>): string[] {
  const uniq = [...new Set([...roots].map((r) => path.resolve(r)))].sort();
  return uniq.filter((r) => !uniq.some((o) => o !== r && (r + path.sep).startsWith(o + path.sep)));
}
