import { expect } from 'chai';
import { coreFolderOf, cyclesOf, localImports } from './support/imports.js';

/**
 * The shape inside core/: the action flow (core/flow) is pure and stands
 * alone, so its tests need no database and anything may build on it; the
 * folders depend on each other in one direction only, so each can be read
 * (and changed) knowing only what it imports.
 */
describe('core/', () => {
  it('flow/ imports nothing outside itself', () => {
    const outside = localImports('core/flow')
      .filter((e) => !e.to.startsWith('core/flow/'))
      .map((e) => `${e.from} → ${e.spec}`);
    expect(outside).to.deep.equal([]);
  });

  it('has no import cycle between its folders', () => {
    const graph = new Map<string, Set<string>>();
    const examples = new Map<string, string>();
    for (const e of localImports('core')) {
      const [a, b] = [coreFolderOf(e.from), coreFolderOf(e.to)];
      if (a === b) continue;
      if (!graph.has(a)) graph.set(a, new Set());
      graph.get(a)!.add(b);
      examples.set(`${a}→${b}`, `${e.from} → ${e.spec}`);
    }
    const cycles = cyclesOf(graph).map((scc) => ({
      folders: scc,
      // one import per edge inside the cycle, to say where to cut it
      imports: scc.flatMap((a) => scc.filter((b) => graph.get(a)?.has(b)).map((b) => examples.get(`${a}→${b}`)!)),
    }));
    expect(cycles).to.deep.equal([]);
  });

  it('finds a cycle when there is one (the check above can fail)', () => {
    const graph = new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]]);
    expect(cyclesOf(graph)).to.deep.equal([['a', 'b', 'c']]);
  });
});
