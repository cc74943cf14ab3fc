import { expect } from 'chai';
import { modeLetsEnter } from '../../../core/db/preflight.js';

// The fallback used when the shell run as the database user could not even start.
describe('whether the database user may enter a directory, from its permission bits', () => {
  const postgres = { uid: 105, gid: 110 };

  it('lets the owner in by the owner bit only', () => {
    expect(modeLetsEnter({ mode: 0o40700, uid: 105, gid: 0 }, postgres)).to.equal(true);
    expect(modeLetsEnter({ mode: 0o40071, uid: 105, gid: 110 }, postgres)).to.equal(false);
  });

  it('lets a group member in by the group bit when it does not own the directory', () => {
    expect(modeLetsEnter({ mode: 0o40710, uid: 0, gid: 110 }, postgres)).to.equal(true);
    expect(modeLetsEnter({ mode: 0o40701, uid: 0, gid: 110 }, postgres)).to.equal(false);
  });

  it('lets anyone else in by the others bit: / at 755 is enterable, a 0700 mktemp directory is not', () => {
    expect(modeLetsEnter({ mode: 0o40755, uid: 0, gid: 0 }, postgres)).to.equal(true);
    expect(modeLetsEnter({ mode: 0o40700, uid: 0, gid: 0 }, postgres)).to.equal(false);
  });
});
