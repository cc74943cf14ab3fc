import { expect } from 'chai';
import { freshDatabase } from '../../support/database.js';
import { aMorningAfterSeed, runNode, silentCustomerIds } from './jobs-helpers.js';

describe('npm run job -- <name> (jobs/cli/run-job.ts)', () => {
  it('runs one job once and prints, in Chinese, what it found and what it sent', async function () {
    this.timeout(300_000);
    const { pool, url } = await freshDatabase(2);
    const now = aMorningAfterSeed();
    const env = { DATABASE_URL: url, SESSION_SECRET: 'cli-secret-0123456789abcdef' };
    const silent = (await silentCustomerIds(pool, now, 7)).length;

    const check = await runNode('jobs/cli/run-job.ts', ['silence-check', '--now', now.toISOString()], env);
    expect(check.code, check.stderr).to.equal(0);
    expect(check.stdout).to.include('▶ silence-check（演示模式：未配置企业微信，消息只记入发件箱）');
    expect(check.stdout).to.include(`沉默客户检查（连续7天无有效跟进，全量）：新增预警 ${silent} 条，待发送消息 ${silent * 2} 条`);
    expect(check.stdout).to.match(/新预警编号：\d+/);
    expect(check.stdout).to.include('✓ 完成');

    const deliver = await runNode('jobs/cli/run-job.ts', ['deliver-outbox', '--now', now.toISOString()], env);
    expect(deliver.code, deliver.stderr).to.equal(0);
    expect(deliver.stdout).to.include(`演示模式：${silent * 2} 条消息已记入发件箱（未配置企业微信）`);

    const unknown = await runNode('jobs/cli/run-job.ts', ['no-such-job'], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include('没有名为「no-such-job」的任务');
  });
});
