import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { logFormat } from '../../../core/logger.js';
import { ROOT } from '../../support/processes.js';

const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8'));

describe('Node 20, honestly', () => {
  it('locks only packages whose declared engines include the oldest Node 20 the project supports (no EBADENGINE on npm ci)', () => {
    const oldest = semver.minVersion(read('package.json').engines.node)!.version;
    expect(semver.major(oldest)).to.equal(20);
    const lock = read('package-lock.json') as { packages: Record<string, { version?: string; engines?: { node?: string } | string[] }> };
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name && p.engines && !Array.isArray(p.engines) && p.engines.node && !semver.satisfies(oldest, p.engines.node))
      .map(([name, p]) => `${name.replace(/^.*node_modules\//, '')}@${p.version} wants node ${(p.engines as { node: string }).node}`);
    expect(refusing, `pin a version of these that supports Node ${oldest}`).to.deep.equal([]);
  });
});

describe('log format', () => {
  it('is readable lines on a terminal and JSON when piped, unless LOG_FORMAT says otherwise', () => {
    expect(logFormat({}, true)).to.equal('pretty');
    expect(logFormat({}, false)).to.equal('json');
    expect(logFormat({ LOG_FORMAT: 'json' }, true)).to.equal('json');
    expect(logFormat({ LOG_FORMAT: 'pretty' }, false)).to.equal('pretty');
  });
});
