import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * README / DESIGN.md: `api/`, `bot/` and `jobs/` are thin adapters over
 * `core/` and never import each other (main.ts is the one place that wires
 * them together). Checked on the source text, so a new import fails here
 * before it becomes a habit.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ADAPTERS = ['api', 'bot', 'jobs'] as const;

function sourcesOf(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Every module specifier a file imports or re-exports (static and dynamic). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]);
}

describe('the adapters (api/, bot/, jobs/)', () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}/ imports neither of the other two`, () => {
      const others = ADAPTERS.filter((a) => a !== adapter).map((a) => path.join(ROOT, a) + path.sep);
      const crossings: string[] = [];
      for (const file of sourcesOf(adapter)) {
        for (const spec of importsOf(file).filter((s) => s.startsWith('.'))) {
          const target = path.resolve(path.dirname(file), spec);
          if (others.some((o) => target.startsWith(o))) crossings.push(`${path.relative(ROOT, file)} → ${spec}`);
        }
      }
      expect(crossings).to.deep.equal([]);
    });
  }
});
