import { expect } from 'chai';
import { sayInChat, signedInPhone, snap } from './support/browser.js';
import { customerNamed, startBrowserSuite, type BrowserSuite } from './support/suite.js';

/** Issue #24's decision-chain reading in the H5 chat: a gate said as a condition, a newcomer whose post a contact holds, two contacts numbered. */
describe('H5 chat: gates, newcomers and familiar names in the decision chain (browser, 390×844)', function () {
  this.timeout(120_000);
  let s: BrowserSuite;
  before(async function () {
    this.timeout(300_000);
    s = await startBrowserSuite();
  });
  after(() => s?.close());

  it('records a gate said as a condition as 把关者, creates a newcomer whose post a contact holds, and numbers two contacts of one surname', async () => {
    const c = await customerNamed(s.pool, '南京鼓楼医院');
    const { rows: [gate] } = await s.pool.query(`SELECT name FROM contacts WHERE customer_id = $1 AND status <> 'left' ORDER BY id LIMIT 1`, [c.id]);
    // a 副院长 on file, and two 钟 (a surname none of the demo's contacts has)
    await s.pool.query(`INSERT INTO contacts (customer_id, name, title, department) VALUES ($1, '骆川', '副院长', '院办'), ($1, '钟岩', '采购主管', '采购部'), ($1, '钟华', '设备科主任', '设备科')`, [c.id]);
    const { page, errors } = await signedInPhone(s.browser, { baseURL: s.api.baseUrl }, 'rep.sun');
    await page.goto('/chat');
    await sayInChat(page, '我在南京鼓楼医院');

    const gated = await sayInChat(page, `财务这块${gate.name}不同意就过不了`);
    expect(gated).to.contain(gate.name).and.contain('是把关者').and.not.contain('反对');
    await snap(page, 'decision-chain-chat', 'gate');

    const joined = await sayInChat(page, '这事现在由新来的副院长邱实拍板');
    expect(joined).to.contain('邱实 新任副院长').and.contain('邱实·副院长是决策者').and.not.contain('骆川');
    await snap(page, 'decision-chain-chat', 'newcomer');

    const asked = await sayInChat(page, '老钟管下单');
    expect(asked).to.contain('老钟是1.').and.contain('钟岩').and.contain('还是2.').and.contain('钟华').and.contain('回复序号或名字');
    expect(await sayInChat(page, '第二个')).to.contain('钟华').and.contain('是采购者');
    await snap(page, 'decision-chain-chat', 'numbered');
    expect(errors).to.deep.equal([]);
  });
});
