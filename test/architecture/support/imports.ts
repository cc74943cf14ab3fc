import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's import graph, read from the source text (static imports,
 * re-exports and dynamic `import()`), so a new import that breaks a boundary
 * fails a test before it becomes a habit.
 */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every .ts file under `dir` (relative to the repo root), as repo-relative paths. */
export function sourcesOf(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
export function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

export interface ImportEdge {
  from: string;
  /** Repo-relative path of the imported file (.js resolved to .ts). */
  to: string;
  spec: string;
}

/** The relative imports of the files under `dir`, resolved to repo-relative paths. */
export function localImports(dir: string): ImportEdge[] {
  return sourcesOf(dir).flatMap((from) => importsOf(from)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from, spec, to: path.relative(ROOT, path.resolve(ROOT, path.dirname(from), spec)).replace(/\.js$/, '.ts') })));
}

/**
 * The folder of core/ a file belongs to: `core/alerts/rules/x.ts` → `core/alerts`;
 * a file directly in core/ is a node of its own (`core/errors.ts`).
 */
export function coreFolderOf(file: string): string {
  const parts = file.split(path.sep);
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

/** Strongly connected components with more than one node (Tarjan): each is an import cycle. */
export function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const meta = new Map<string, { index: number; low: number; onStack: boolean }>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    const m = { index, low: index, onStack: true };
    index++;
    meta.set(v, m);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      const mw = meta.get(w);
      if (!mw) {
        visit(w);
        m.low = Math.min(m.low, meta.get(w)!.low);
      } else if (mw.onStack) {
        m.low = Math.min(m.low, mw.index);
      }
    }
    if (m.low === m.index) {
      const scc: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        meta.get(w)!.onStack = false;
        scc.push(w);
        if (w === v) break;
      }
      if (scc.length > 1) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!meta.has(v)) visit(v);
  return cycles;
}
