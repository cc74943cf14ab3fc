import { expect } from 'chai';
import { localImports } from './support/imports.js';

/**
 * README / DESIGN.md: `api/`, `bot/` and `jobs/` are thin adapters over
 * `core/` and never import each other (main.ts is the one place that wires
 * them together); `core/` is the domain they share and knows none of them.
 */
const ADAPTERS = ['api', 'bot', 'jobs'] as const;
const OUTSIDE_CORE = [...ADAPTERS, 'test', 'bench', 'main.ts'];

const topOf = (file: string) => file.split('/')[0];

describe('the adapters (api/, bot/, jobs/)', () => {
  for (const adapter of ADAPTERS) {
    it(`${adapter}/ imports neither of the other two`, () => {
      const crossings = localImports(adapter)
        .filter((e) => ADAPTERS.some((a) => a !== adapter && topOf(e.to) === a))
        .map((e) => `${e.from} → ${e.spec}`);
      expect(crossings).to.deep.equal([]);
    });
  }

  it('are imported by nothing in core/ (nor are main.ts, test/ and bench/)', () => {
    const crossings = localImports('core')
      .filter((e) => OUTSIDE_CORE.includes(topOf(e.to)))
      .map((e) => `${e.from} → ${e.spec}`);
    expect(crossings).to.deep.equal([]);
  });
});
