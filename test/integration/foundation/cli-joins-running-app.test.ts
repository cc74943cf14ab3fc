import { expect } from 'chai';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { embeddedUrl, startEmbeddedPostgres } from '../../../core/db/embedded.js';
import { createPool } from '../../../core/db/pool.js';
import { shanghaiDate } from '../../../core/flow/time.js';
import { isAlive, runningCluster } from '../../../core/db/running-cluster.js';
import { logger } from '../../../core/logger.js';
import { freePort, spawnScript, spawnWatched, tempDataDir } from '../../support/processes.js';

const READY = /动作流已启动：(http:\/\/localhost:\d+)/;

describe('CLIs join the running system instead of fighting it', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  it('runs `npm run chat` against a running `npm start`, and the server still answers afterwards', async () => {
    const dataDir = tempDataDir('af-join-');
    dirs.push(dataDir);
    const env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_PG_PORT: String(await freePort()) };
    // a terminal's log format, as a developer sees it
    const app = spawnWatched('npm', ['start'], { ...env, LOG_FORMAT: 'pretty' });
    try {
      const url = READY.exec(await app.waitFor(READY, 240_000))![1];
      const server = runningCluster(path.join(dataDir, 'pg'))!;
      expect(server.orphaned).to.equal(false);
      // the first start of an empty demo database generated its history
      const probe = createPool(embeddedUrl(server.port, 'actionflow'), 1);
      try {
        const { rows: [h] } = await probe.query(`SELECT (SELECT count(*) FROM leads)::int AS leads, (SELECT count(*) FROM submissions)::int AS reports,
                                                        (SELECT data->>'today' FROM events WHERE type = 'demo.history') AS today`);
        expect(h.leads).to.be.greaterThan(50);
        expect(h.reports).to.be.greaterThan(200);
        expect(h.today).to.equal(shanghaiDate(new Date()));
      } finally {
        await probe.end();
      }
      expect(app.output()).to.match(/演示数据已生成/);

      const chat = spawnWatched('npm', ['run', 'chat', '--', '--as', 'rep.zhao'], env, '我的任务\n/quit\n');
      expect(await chat.exited, chat.output()).to.equal(0);
      expect(chat.output()).to.include(`（连接到正在运行的内置数据库：端口 ${env.EMBEDDED_PG_PORT}，进程 ${server.pid}；退出时不会关闭它）`);
      expect(chat.output()).to.include('以 赵磊（rep.zhao）的身份和机器人对话');
      expect(chat.output()).to.match(/机器人> \S/);
      expect(chat.output()).to.not.include('正在关闭');

      expect(isAlive(server.pid)).to.equal(true);
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);
      const login = await fetch(`${url}/api/auth/dev-login`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userid: 'rep.zhao' }),
      });
      expect(login.status).to.equal(200);
      const { token } = await login.json() as { token: string };
      const me = await fetch(`${url}/api/actions`, { headers: { Authorization: `Bearer ${token}` } });
      expect(me.status, await me.clone().text()).to.equal(200);

      // the terminal log is readable lines, not JSON, and its last start-up line says how to get in
      const readyLine = app.output().split('\n').find((l) => READY.test(l))!;
      expect(readyLine.trim().startsWith('{')).to.equal(false);
      expect(readyLine).to.include('演示模式').and.to.include('rep.zhao');
    } finally {
      // Ctrl-C reaches the whole group: npm, and the app, which stops its own server
      await app.stop('SIGINT');
    }
    for (let i = 0; i < 150 && runningCluster(path.join(dataDir, 'pg')); i++) await new Promise((r) => setTimeout(r, 100));
    expect(runningCluster(path.join(dataDir, 'pg'))).to.equal(null);
  });

  it('joins a server whose owner lives and leaves it running; cleans up one whose owner died', async () => {
    const dataDir = tempDataDir('af-orphan-');
    dirs.push(dataDir);
    const port = await freePort();
    // another process owns the server: a stand-in for `npm start`
    const owner = spawnScript('test/support/hold-embedded-postgres.ts', [dataDir, String(port)], {});
    await owner.waitFor(/holding/, 120_000);
    const held = runningCluster(path.join(dataDir, 'pg'))!;
    expect(held.parentPid).to.equal(owner.child.pid);

    const joined = await startEmbeddedPostgres({ dataDir, port, logger });
    expect(joined.joined).to.deep.equal({ pid: held.pid, port });
    await joined.stop();
    expect(isAlive(held.pid)).to.equal(true);

    // SIGKILL of the owner alone: it cannot stop its server, which is left orphaned
    process.kill(owner.child.pid!, 'SIGKILL');
    await owner.exited;
    const orphan = runningCluster(path.join(dataDir, 'pg'))!;
    expect(orphan.pid).to.equal(held.pid);
    expect(orphan.orphaned).to.equal(true);
    const own = await startEmbeddedPostgres({ dataDir, port, logger });
    try {
      expect(own.joined).to.equal(null);
      expect(isAlive(held.pid)).to.equal(false);
      expect(runningCluster(path.join(dataDir, 'pg'))!.parentPid).to.equal(process.pid);
    } finally {
      await own.stop();
    }
  });
});
