import { expect } from 'chai';
import type pg from 'pg';
import { freshDatabase } from '../../support/database.js';
import { anAttachment, lookups } from '../actions/actions-helpers.js';
import { activeActionOf, botDepsFor, contactsOfCustomer, draftOf, say, soundAlike } from './bot-helpers.js';

/**
 * Issue #24 in the chat: intent before slots (a command while a question is
 * pending), contacts resolved by asking rather than guessing, 我的商机.
 */
describe('the bot understands how reps talk', () => {
  let pool: pg.Pool;
  let hualian: { id: number; lat: number; lng: number };

  beforeEach(async () => {
    ({ pool } = await freshDatabase(8));
    hualian = await lookups(pool).customer('华联超市总部');
  });

  /** Two of 华联's contacts, neither reporting to anyone: the first may be put under the second. */
  async function reportingPair() {
    const [who, boss] = await contactsOfCustomer(pool, '华联超市总部');
    await pool.query('UPDATE contacts SET reports_to_id = NULL WHERE id = ANY($1)', [[who.id, boss.id]]);
    return [who, boss] as const;
  }

  async function checkIn(deps: ReturnType<typeof botDepsFor>): Promise<number> {
    await say(deps, 'rep.zhao', { kind: 'location', lat: hualian.lat + 0.001, lng: hualian.lng, coordSystem: 'gcj02' });
    return (await activeActionOf(pool, 'rep.zhao'))!;
  }

  it('answers "今天有啥任务" as the command while 下次接触时间 is asked, records no date, and asks the question again', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    // fill the role so that the next question is the next contact
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    const asked = await say(deps, 'rep.zhao', `${contact.name}是拍板的人`);
    expect(asked).to.include('下次什么时候再联系');

    const reply = await say(deps, 'rep.zhao', '今天有啥任务');
    expect(reply).to.match(/你有\d+个待办/);
    expect(reply).to.include('接着刚才的报告：下次什么时候再联系');
    expect((await draftOf(pool, actionId)).fields?.nextContactAt).to.equal(undefined);

    // and the pending question still takes its answer
    expect(await say(deps, 'rep.zhao', '下周三下午')).to.include('已记录').and.include('（周三）15:00');
  });

  it('reads a transcribed voice answer like typed text: the memo is kept and 下周三下午三点 fills 下次接触时间', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    await say(deps, 'rep.zhao', `${contact.name}是拍板的人`);
    const zhao = await lookups(pool).userId('rep.zhao');
    const voice = await anAttachment(pool, { uploadedBy: zhao, kind: 'voice' });
    const reply = await say(deps, 'rep.zhao', { kind: 'voice', attachmentId: voice, recognition: '下周三下午三点再过去' });
    expect(reply).to.include('收到语音纪要').and.include('已记录：下次接触时间').and.include('（周三）15:00');
    const draft = await draftOf(pool, actionId);
    expect(draft.attachmentIds).to.include(voice);
    expect(draft.transcript).to.equal('下周三下午三点再过去');
    expect(draft.fields.nextContactAt).to.match(/T15:00:00\+08:00$/);
  });

  it('routes "看看我的单子" to the rep\'s open deals and "帮我写个日报" to the daily report, even with a question pending', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const deals = await say(deps, 'rep.zhao', '看看我的单子');
    expect(deals).to.match(/你有\d+个进行中的商机/).and.include('华联');
    expect(await say(deps, 'rep.zhao', '帮我写个日报')).to.include('今日完成');
  });

  it('does not write a role onto the contact whose title matched when the rep named someone else, and offers instead', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const titled = contacts.find((c) => c.title && c.title.length >= 2)!;
    // a name no contact has and none sounds like
    const stranger = ['钟岩', '韦航', '邱实', '骆川'].find((n) => !contacts.some((c) => c.name[0] === n[0]))!;
    const reply = await say(deps, 'rep.zhao', `${titled.title}${stranger}是拍板的`);
    expect(reply).to.include(`联系人里没有“${stranger}”`).and.include(titled.name);
    expect((await draftOf(pool, actionId)).fields?.decisionContactId).to.equal(undefined);

    // "不是": then it is someone new, offered to be added; "是" adds them and records them as the 决策者 contact
    expect(await say(deps, 'rep.zhao', '不是')).to.include(`要新建联系人${stranger}`);
    expect(await say(deps, 'rep.zhao', '是')).to.include(`已新建联系人${stranger}`).and.include(`${stranger}是决策者`);
    const after = await contactsOfCustomer(pool, '华联超市总部');
    const added = after.find((c) => c.name === stranger)!;
    expect((await draftOf(pool, actionId)).fields.decisionContactId).to.equal(added.id);
    // the contact whose title matched keeps their role
    expect(after.find((c) => c.id === titled.id)!.buying_role).to.equal(titled.buying_role);
  });

  it('asks about a sound-alike name (张洁 for 张杰) and records the contact once the rep says yes', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    const alike = soundAlike(contact.name);
    const asked = await say(deps, 'rep.zhao', `${alike}是拍板的人`);
    expect(asked).to.include(`你说的${alike}是`).and.include(contact.name);
    expect((await draftOf(pool, actionId)).fields?.decisionContactId).to.equal(undefined);
    expect(await say(deps, 'rep.zhao', '是')).to.include('已记录').and.include(contact.name);
    expect((await draftOf(pool, actionId)).fields.decisionContactId).to.equal(contact.id);
  });

  it('keeps its own question on 不知道 (是哪一位？), never taking it as 跳过 of the report\'s question', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    const alike = soundAlike(contact.name);
    expect(await say(deps, 'rep.zhao', `${alike}是拍板的人`)).to.include(`你说的${alike}是`);
    const kept = await say(deps, 'rep.zhao', '不知道');
    expect(kept, 'asked again').to.include(contact.name);
    expect(kept).to.not.include('先跳过');
    expect(await say(deps, 'rep.zhao', '是')).to.include('已记录').and.include(contact.name);
    expect((await draftOf(pool, actionId)).fields.decisionContactId).to.equal(contact.id);
  });

  it('notes the roles of two contacts said in one message and a stance said of one, and 撤销 takes back only the stance', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    const noted = async () => {
      const { rows: [c] } = await pool.query(
        'SELECT b.state FROM bot_conversations b JOIN users u ON u.id = b.user_id WHERE u.wecom_userid = $1', ['rep.zhao']);
      return Object.fromEntries((c.state.contactUpdates?.[String(actionId)] ?? []).map((u: { contactId: number; buyingRole?: string; attitude?: string }) =>
        [u.contactId, { role: u.buyingRole ?? null, attitude: u.attitude ?? null }]));
    };

    expect(await say(deps, 'rep.zhao', `${a.name}管采购，${b.name}拍板`)).to.include('已记录').and.include(`${a.name}`).and.include('是采购者').and.include(`${b.name}`).and.include('是决策者');
    expect(await noted()).to.deep.equal({ [a.id]: { role: 'buyer', attitude: null }, [b.id]: { role: 'decider', attitude: null } });

    // a stance is not a role (很支持我们 is no 内线): it adds to what was noted of the contact
    expect(await say(deps, 'rep.zhao', `${a.name}很支持我们`)).to.include(`${a.name}`).and.include('的态度：支持');
    expect((await noted())[a.id]).to.deep.equal({ role: 'buyer', attitude: 'support' });

    expect(await say(deps, 'rep.zhao', '撤回刚才那条')).to.include('已撤销');
    expect((await noted())[a.id]).to.deep.equal({ role: 'buyer', attitude: null });
  });

  it('records "X调岗了，新来的Y接替他" as a dated 调岗 and a 新任 who inherits the role, and 撤销 takes both back', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const moved = contacts[0];
    const stranger = ['钟岩', '韦航', '邱实', '骆川'].find((n) => !contacts.some((c) => c.name[0] === n[0]))!;

    const reply = await say(deps, 'rep.zhao', `${moved.name}调岗了，新来的${stranger}接替他`);
    expect(reply).to.include('已记录联系人变动').and.include(`${moved.name} 调岗`).and.include(`${stranger} 新任`).and.include(`接替${moved.name}`);
    const { rows: events } = await pool.query(
      `SELECT e.kind, e.source, k.name FROM contact_events e JOIN contacts k ON k.id = e.contact_id
        WHERE e.customer_id = $1 AND e.source = 'bot' ORDER BY e.id`, [hualian.id]);
    expect(events.map((e) => [e.kind, e.name])).to.deep.equal([['transferred', moved.name], ['joined', stranger]]);
    const newcomer = (await contactsOfCustomer(pool, '华联超市总部')).find((c) => c.name === stranger)!;
    expect(newcomer.buying_role).to.equal(moved.buying_role);
    // not a 对接人 of the report: the message was about the customer's people
    expect((await draftOf(pool, actionId))?.fields?.decisionContactId).to.equal(undefined);

    expect(await say(deps, 'rep.zhao', '撤销')).to.include('已撤销').and.include(stranger);
    const after = await contactsOfCustomer(pool, '华联超市总部');
    expect(after.map((c) => c.name)).to.not.include(stranger);
    const { rows: [back] } = await pool.query('SELECT title FROM contacts WHERE id = $1', [moved.id]);
    expect(back.title).to.equal(moved.title);
    const { rows: left } = await pool.query(`SELECT 1 FROM contact_events WHERE customer_id = $1 AND source = 'bot'`, [hualian.id]);
    expect(left).to.have.length(0);
  });

  it('offers to create a contact named with a role when the customer has nobody by that name or surname', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const stranger = ['钟岩', '韦航', '邱实', '骆川'].find((n) => !contacts.some((c) => c.name[0] === n[0]))!;
    expect(await say(deps, 'rep.zhao', `${stranger}是具体用设备的`)).to.include(`客户联系人里没有“${stranger}”`).and.include('记为使用者吗');
    expect(await say(deps, 'rep.zhao', '不是')).to.include('先不新建，只记角色');
    expect((await contactsOfCustomer(pool, '华联超市总部')).map((c) => c.name)).to.not.include(stranger);
  });

  it('reads a daily use, a weight and a stance naming a topic without asking, and 老X as the one contact of that surname', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    const used = await say(deps, 'rep.zhao', `设备主要是${a.name}在操作`);
    expect(used).to.include(`${a.name}`).and.include('是使用者').and.not.include('你是想');
    const weighs = await say(deps, 'rep.zhao', `${b.name}对方案有很大影响力`);
    expect(weighs).to.include(`${b.name}`).and.include('是影响者').and.not.include('你是想');
    const stance = await say(deps, 'rep.zhao', `${b.name}对价格很有意见`);
    expect(stance).to.include('的态度：反对').and.not.include('这是不是');

    // 华联 has two of one surname: 老X is asked about by name; a third contact of a surname of its own is taken at once
    const asked = await say(deps, 'rep.zhao', `老${a.name[0]}说了算`);
    expect(asked).to.include(`老${a.name[0]}是1.`).and.include(a.name).and.include(`还是2.`).and.include(b.name).and.include('回复序号或名字');
    expect(await say(deps, 'rep.zhao', '第二个')).to.include(`${b.name}`).and.include('是决策者');
    const third = ['钟岩', '韦航', '邱实', '骆川'].find((n) => n[0] !== a.name[0])!;
    await pool.query('INSERT INTO contacts (customer_id, name, title) VALUES ($1, $2, $3)', [hualian.id, third, '店长']);
    const sure = await say(deps, 'rep.zhao', `老${third[0]}说了算`);
    expect(sure).to.include(`${third}`).and.include('是决策者').and.not.include('？\n');
  });

  it('takes 这题不答 as 跳过: a required question is put off, said so, and asked again once the others are answered', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const zhao = await lookups(pool).userId('rep.zhao');
    const ROLE_QUESTION = '在决策链里是什么角色';
    const putOff = await say(deps, 'rep.zhao', '这题不答');
    expect(putOff).to.include('「决策链角色」先跳过').and.include('其他的填完我再问你').and.include('下次什么时候再联系').and.not.include(ROLE_QUESTION);
    expect(await say(deps, 'rep.zhao', '下周三下午')).to.include('已记录').and.not.include(ROLE_QUESTION);
    await say(deps, 'rep.zhao', '下面发门头照');
    await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', capturedAt: new Date(Date.now() - 600_000) }) });
    await say(deps, 'rep.zhao', '下面发合影');
    await say(deps, 'rep.zhao', { kind: 'image', attachmentId: await anAttachment(pool, { uploadedBy: zhao, kind: 'photo', capturedAt: new Date(Date.now() - 600_000) }) });
    const last = await say(deps, 'rep.zhao', { kind: 'voice', attachmentId: await anAttachment(pool, { uploadedBy: zhao, kind: 'voice' }), recognition: '客户嫌价格偏高，账期也长' });
    // the others filled: the flow needs the answer now, and 不想说 no longer puts it off
    expect(last).to.include(ROLE_QUESTION);
    expect(await say(deps, 'rep.zhao', '不想说')).to.include('必填项，不能跳过').and.include(ROLE_QUESTION);
  });

  it('runs a command said with a dialect verb or with no object while 下次接触时间 is asked, and asks the question again', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    expect(await say(deps, 'rep.zhao', `${contact.name}是拍板的人`)).to.include('下次什么时候再联系');
    for (const said of ['瞅瞅我的待办', '今天干啥']) {
      const reply = await say(deps, 'rep.zhao', said);
      expect(reply, said).to.match(/你有\d+个待办/).and.include('接着刚才的报告：下次什么时候再联系');
    }
    expect(await say(deps, 'rep.zhao', '还有多少单没跟？')).to.include('商机').and.include('接着刚才的报告');
    expect((await draftOf(pool, actionId)).fields?.nextContactAt, 'no day taken from 今天').to.equal(undefined);
  });

  it('takes 忘了问 / 还没定 to a pending question as putting it off (a required one said so), recording nothing for it', async () => {
    const deps = botDepsFor(pool);
    const actionId = await checkIn(deps);
    const putOff = await say(deps, 'rep.zhao', '忘了问');
    expect(putOff).to.include('「决策链角色」先跳过').and.include('下次什么时候再联系');
    expect((await draftOf(pool, actionId)).fields?.decisionRole, 'nothing recorded as the role').to.equal(undefined);
    // 不知道 to the next (suggested) question skips it as well, and nothing is taken as a day
    expect(await say(deps, 'rep.zhao', '还没定')).to.not.include('已记录');
    expect((await draftOf(pool, actionId)).fields?.nextContactAt).to.equal(undefined);
  });

  it('asks which day 这两天 means with the days numbered, records none meanwhile, and takes the one answered by number', async () => {
    // Wednesday 9 December 2026, 11:00 in Shanghai: 这两天 is 明天 (Thursday 10th) or 后天 (Friday 11th)
    const deps = botDepsFor(pool, { now: () => new Date('2026-12-09T03:00:00Z') });
    const actionId = await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    await say(deps, 'rep.zhao', `${contact.name}是拍板的人`);
    const asked = await say(deps, 'rep.zhao', '这两天再去一趟');
    expect(asked).to.include('“这两天”还不是具体的日子').and.include('1.明天（12月10日 周四）').and.include('2.后天（12月11日 周五）');
    expect((await draftOf(pool, actionId)).fields?.nextContactAt).to.equal(undefined);
    expect(await say(deps, 'rep.zhao', '2')).to.include('已记录').and.include('12月11日（周五）');
    expect((await draftOf(pool, actionId)).fields?.nextContactAt).to.match(/^2026-12-11T10:00/);
  });

  it('creates a new person named with a title inside a role sentence, with that title and role', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const stranger = ['钟岩', '韦航', '邱实', '骆川'].find((n) => !contacts.some((c) => c.name[0] === n[0]))!;
    const reply = await say(deps, 'rep.zhao', `拍板的是新来的书记${stranger}`);
    expect(reply).to.include(`${stranger} 新任书记`).and.include(`${stranger}·书记是决策者`);
    const added = (await contactsOfCustomer(pool, '华联超市总部')).find((c) => c.name === stranger)!;
    expect(added.title).to.equal('书记');
  });

  it('reads a gate said as a condition or a prior review as 把关者, with no stance from the condition and the reviewed topic kept as a pain point', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    const gate = await say(deps, 'rep.zhao', `财务这块${a.name}不同意就过不了`);
    expect(gate).to.include(`${a.name}`).and.include('是把关者').and.not.include('反对').and.not.include('你是想');
    const review = await say(deps, 'rep.zhao', `${b.name}要先审核资质`);
    expect(review).to.include(`${b.name}`).and.include('是把关者').and.include('客户痛点 资质');
    const stance = await say(deps, 'rep.zhao', `${b.name}不同意我们的报价`);
    expect(stance).to.include('的态度：反对').and.not.include('把关者');
  });

  it('records "X已经不在医院干了" as 离职, and "X不在<部门>了" as 调岗', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [a, b] = await contactsOfCustomer(pool, '华联超市总部');
    expect(await say(deps, 'rep.zhao', `${a.name}已经不在医院干了`)).to.include(`${a.name} 离职`);
    expect(await say(deps, 'rep.zhao', `${b.name}不在采购部了`)).to.include(`${b.name} 调岗`);
    const { rows } = await pool.query('SELECT name, status FROM contacts WHERE id = ANY($1) ORDER BY id', [[a.id, b.id]]);
    expect(rows.find((r) => r.name === a.name).status).to.equal('left');
    expect(rows.find((r) => r.name === b.name).status).to.equal('active');
  });

  it('creates a newcomer whose title an existing contact holds, with that title and role, and leaves the existing one as they were', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const contacts = await contactsOfCustomer(pool, '华联超市总部');
    const [holder, stranger] = ['钟岩', '韦航', '邱实', '骆川'].filter((n) => !contacts.some((c) => c.name[0] === n[0]));
    const { rows: [existing] } = await pool.query(
      `INSERT INTO contacts (customer_id, name, title) VALUES ($1, $2, '副院长') RETURNING id`, [hualian.id, holder]);
    const reply = await say(deps, 'rep.zhao', `这事现在由新来的副院长${stranger}拍板`);
    expect(reply).to.include(`${stranger} 新任副院长`).and.include(`${stranger}·副院长是决策者`).and.not.include(holder);
    const added = (await contactsOfCustomer(pool, '华联超市总部')).find((c) => c.name === stranger)!;
    expect(added.title).to.equal('副院长');
    const { rows: [kept] } = await pool.query('SELECT buying_role, status FROM contacts WHERE id = $1', [existing.id]);
    expect(kept).to.deep.equal({ buying_role: null, status: 'active' });
  });

  it('asks with numbered choices who left when the name only sounds like a contact, and records it on the answer', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    const alike = soundAlike(contact.name);
    const asked = await say(deps, 'rep.zhao', `${alike}上周离职了`);
    expect(asked).to.include(`离职的“${alike}”是哪一位？1.${contact.name}`);
    const { rows: none } = await pool.query(`SELECT 1 FROM contact_events WHERE contact_id = $1 AND source = 'bot'`, [contact.id]);
    expect(none).to.have.length(0);
    expect(await say(deps, 'rep.zhao', '1')).to.include('已记录联系人变动').and.include(`${contact.name} 离职`);
    const { rows: [c] } = await pool.query('SELECT status FROM contacts WHERE id = $1', [contact.id]);
    expect(c.status).to.equal('left');
  });

  it('asks with numbered choices whose reporting line changed when the name only sounds like a contact, and records it on the answer', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [who, boss] = await reportingPair();
    const alike = soundAlike(who.name);
    const asked = await say(deps, 'rep.zhao', `${alike}现在向${boss.name}汇报了`);
    expect(asked).to.include(`换了汇报对象的“${alike}”是哪一位？1.${who.name}`);
    expect(await say(deps, 'rep.zhao', '1')).to.include('已记录联系人变动').and.include(`${who.name} 汇报关系`).and.include(boss.name);
    const { rows: [c] } = await pool.query('SELECT reports_to_id FROM contacts WHERE id = $1', [who.id]);
    expect(Number(c.reports_to_id)).to.equal(boss.id);
  });

  it('asks which contact is the new manager when only that name is unsure, and records the change on the answer', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const [who, boss] = await reportingPair();
    const alike = soundAlike(boss.name);
    const asked = await say(deps, 'rep.zhao', `${who.name}现在向${alike}汇报`);
    expect(asked).to.include(`${who.name}现在向哪一位汇报？“${alike}”是：1.${boss.name}`);
    const { rows: none } = await pool.query(`SELECT 1 FROM contact_events WHERE contact_id = $1 AND source = 'bot'`, [who.id]);
    expect(none).to.have.length(0);
    expect(await say(deps, 'rep.zhao', '1')).to.include(`${who.name} 汇报关系`);
    const { rows: [c] } = await pool.query('SELECT reports_to_id FROM contacts WHERE id = $1', [who.id]);
    expect(Number(c.reports_to_id)).to.equal(boss.id);
  });

  it('dates a change said only roughly (上个月) by its estimate, labelled approximate, not as today', async () => {
    const deps = botDepsFor(pool, { now: () => new Date('2026-12-07T03:00:00Z') });
    await checkIn(deps);
    const [contact] = await contactsOfCustomer(pool, '华联超市总部');
    expect(await say(deps, 'rep.zhao', `${contact.name}上个月离职了`)).to.include(`${contact.name} 离职`).and.include('（约11月）');
    const { rows } = await pool.query(
      `SELECT to_char(occurred_on, 'YYYY-MM-DD') AS day, occurred_label FROM contact_events WHERE contact_id = $1 AND source = 'bot'`, [contact.id]);
    expect(rows).to.deep.equal([{ day: '2026-11-15', occurred_label: '约11月' }]);
  });

  it('records no departure for a name no contact has, and says so', async () => {
    const deps = botDepsFor(pool);
    await checkIn(deps);
    const reply = await say(deps, 'rep.zhao', '钟岩离职了');
    expect(reply).to.include('客户联系人里没有“钟岩”');
    const { rows } = await pool.query(`SELECT 1 FROM contact_events WHERE customer_id = $1 AND source = 'bot'`, [hualian.id]);
    expect(rows).to.have.length(0);
  });
});
