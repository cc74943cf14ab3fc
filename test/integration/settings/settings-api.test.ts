import { expect } from 'chai';
import type pg from 'pg';
import { DEFAULT_FOLLOWUP_STANDARDS } from '../../../core/flow/followup.js';
import { startTestApi, type TestApi } from '../../support/api-harness.js';
import { freshDatabase } from '../../support/database.js';
import { anAttachment, DAY, lookups } from '../actions/actions-helpers.js';

const STANDARD = 'followup.standard';
const storeDefault = DEFAULT_FOLLOWUP_STANDARDS.store;

describe('settings: one mechanism (scoped, versioned, previewed, permissioned)', () => {
  let pool: pg.Pool;
  let api: TestApi;
  let east: number;
  let north: number;
  const $ = () => lookups(pool);
  const put = (as: string, id: string, body: unknown) => api.call('PUT', `/api/settings/${id}`, { as, body });
  const get = (as: string, id: string, q = '') => api.call('GET', `/api/settings/${id}${q}`, { as });
  const versions = async () => (await pool.query('SELECT count(*)::int AS n FROM setting_versions')).rows[0].n;
  const outboxFor = (userid: string) => pool.query(
    `SELECT payload FROM outbox WHERE recipient = $1 AND dedupe_key LIKE 'setting:%' ORDER BY id`, [userid]).then((r) => r.rows.map((x) => x.payload));
  const deptId = async (name: string) => (await pool.query('SELECT id FROM departments WHERE name = $1', [name])).rows[0].id as number;

  before(async () => {
    ({ pool } = await freshDatabase());
    api = await startTestApi({ pool });
    east = await deptId('华东区');
    north = await deptId('华北区');
  });
  after(() => api.close());

  describe('listing and reading', () => {
    it('lists every registered setting by topic, with where the caller may edit it', async () => {
      const admin = (await api.call('GET', '/api/settings', { as: 'admin.lin' })).body;
      const mgr = (await api.call('GET', '/api/settings', { as: 'mgr.li' })).body;
      const rep = (await api.call('GET', '/api/settings', { as: 'rep.zhao' })).body;
      const find = (list: any, id: string) => list.items.find((i: any) => i.id === id);
      expect(find(admin, STANDARD)).to.deep.include({ label: '有效跟进标准', topicLabel: '跟进标准', hasPreview: true });
      expect(find(admin, STANDARD).canEdit).to.deep.equal({ organisation: true, departments: 'any' });
      expect(find(mgr, STANDARD).canEdit).to.deep.equal({ organisation: false, departments: 'own' });
      expect(find(rep, STANDARD).canEdit).to.deep.equal({ organisation: false, departments: 'none' });
      expect(find(mgr, 'settings.permissions').canEdit).to.deep.equal({ organisation: false, departments: 'none' });
      expect(admin.topics.map((t: any) => t.label)).to.include('跟进标准');
    });

    it('reads the default until a value is stored, and says so; the form carries Chinese labels, units and ranges', async () => {
      const res = await get('rep.zhao', STANDARD, '?customerType=store');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.value).to.deep.equal(storeDefault);
      expect(res.body.source).to.deep.equal({ kind: 'default', scopeName: '默认值', version: 0 });
      expect(res.body).to.deep.include({ editable: false, clearable: false });
      expect(res.body.own.version).to.equal(0);
      expect(res.body.form.properties.minAttachments).to.include({ title: '附件下限', unit: '个', minimum: 0, maximum: 20 });
      expect(res.body.editableDepartments).to.deep.equal([]);
    });

    it('answers 404 for an unknown setting and 422 for a scope the setting does not have', async () => {
      expect((await get('admin.lin', 'no.such-setting')).body.error.code).to.equal('SETTING_NOT_FOUND');
      const noType = await get('admin.lin', STANDARD);
      expect(noType.status).to.equal(422);
      expect(noType.body.error.message).to.contain('请选择客户类型');
    });
  });

  describe("a manager's override for their subtree", () => {
    it('saves version 1 for 华东区 · 门店; the subtree reads it, the rest of the company keeps the default', async () => {
      const res = await put('mgr.li', STANDARD, {
        scope: { departmentId: east, customerType: 'store' }, expectedVersion: 0,
        value: { ...storeDefault, minAttachments: 2 }, comment: '门店须两张陈列照片',
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.own).to.deep.include({ version: 1, hasValue: true, comment: '门店须两张陈列照片' });
      expect(res.body.source).to.deep.equal({ kind: 'own', scopeName: '华东区及下级部门 · 门店', version: 1 });
      expect((await get('rep.zhao', STANDARD, `?customerType=store&departmentId=${east}`)).body.value.minAttachments).to.equal(2);
      expect((await get('rep.zhou', STANDARD, `?customerType=store&departmentId=${north}`)).body.value.minAttachments).to.equal(1);
      expect((await get('rep.zhao', STANDARD, '?customerType=store')).body.value.minAttachments).to.equal(1);
    });

    it("judges an east rep's store follow-up by the override and a north rep's by the company standard", async () => {
      const followUp = async (userid: string, customer: string) => {
        const c = await $().customer(customer);
        const photo = await anAttachment(pool, { uploadedBy: await $().userId(userid), kind: 'photo' });
        return (await api.call('POST', '/api/followups', {
          as: userid,
          body: {
            customerId: c.id, channel: 'other', summary: '检查了冰柜陈列和价签，补齐了两个缺货的单品。',
            actionItems: [{ text: '周五前补拍堆头照片', dueDate: new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10) }],
            attachmentIds: [photo],
          },
        })).body;
      };
      const zhao = await followUp('rep.zhao', '罗森静安寺店');
      expect(zhao.effective, JSON.stringify(zhao)).to.equal(false);
      expect(zhao.reasons.join('')).to.contain('至少2个附件');
      expect((await followUp('rep.zhou', '7-ELEVEn 国贸店')).effective).to.equal(true);
    });

    it('tells the affected reps by WeCom card what changed and from when, and not the other region', async () => {
      const [card] = await outboxFor('rep.zhao');
      expect(card.textcard.title).to.equal('设置变更：有效跟进标准');
      expect(card.textcard.description).to.contain('李明修改了「有效跟进标准」（华东区及下级部门 · 门店）').and.contain('起生效')
        .and.contain('附件下限：1 个 → 2 个').and.contain('说明：门店须两张陈列照片');
      expect(card.textcard.url).to.contain('/settings/history?id=followup.standard');
      expect(await outboxFor('rep.zhou')).to.deep.equal([]);
      expect(await outboxFor('mgr.li')).to.deep.equal([]);
    });

    it("refuses the manager the company's value and another region's with 403, offering only their subtree", async () => {
      const before = await versions();
      const company = await put('mgr.li', STANDARD, { scope: { customerType: 'store' }, expectedVersion: 0, value: storeDefault });
      expect(company.status).to.equal(403);
      expect(company.body.error).to.deep.include({ code: 'FORBIDDEN', message: '你没有权限修改「有效跟进标准」（全公司 · 门店）' });
      const other = await put('mgr.li', STANDARD, { scope: { departmentId: north, customerType: 'store' }, expectedVersion: 0, value: storeDefault });
      expect(other.status).to.equal(403);
      expect(other.body.error.message).to.contain('华北区');
      expect((await put('rep.zhao', STANDARD, { scope: { departmentId: east, customerType: 'store' }, expectedVersion: 1, value: storeDefault })).status).to.equal(403);
      expect(await versions()).to.equal(before);
      const offered = (await get('mgr.li', STANDARD, `?customerType=store&departmentId=${east}`)).body;
      expect(offered.editable).to.equal(true);
      expect(offered.editableDepartments.map((d: any) => d.name)).to.deep.equal(['华东区']);
      expect((await get('mgr.li', STANDARD, '?customerType=store')).body.editable).to.equal(false);
    });
  });

  describe('bad input changes nothing', () => {
    it('answers a stale expected version with 409 and the current version, who made it and when', async () => {
      const before = await versions();
      const res = await put('admin.lin', STANDARD, {
        scope: { departmentId: east, customerType: 'store' }, expectedVersion: 0, value: { ...storeDefault, minAttachments: 3 },
      });
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('SETTING_VERSION_CONFLICT');
      expect(res.body.error.details).to.deep.include({ currentVersion: 1, updatedBy: '李明' });
      expect(res.body.error.message).to.contain('（华东区及下级部门 · 门店）已被李明改到第 1 版');
      expect(await versions()).to.equal(before);
    });

    it('refuses out-of-range values naming each field in Chinese, and unknown fields', async () => {
      const before = await versions();
      const res = await put('admin.lin', STANDARD, {
        scope: { customerType: 'store' }, expectedVersion: 0, value: { ...storeDefault, minAttachments: 21, actionItemMaxDaysAhead: 0, colour: 'red' },
      });
      expect(res.status).to.equal(400);
      const byPath = Object.fromEntries(res.body.error.details.map((d: any) => [d.path, d.message]));
      expect(byPath['body.value.minAttachments']).to.contain('0–20');
      expect(byPath['body.value.actionItemMaxDaysAhead']).to.contain('1–365');
      expect(Object.keys(byPath)).to.include('body.value');
      expect(await versions()).to.equal(before);
    });

    it('refuses a department override for a setting that has none (422), in Chinese', async () => {
      const res = await put('admin.lin', 'settings.permissions', { scope: { departmentId: east }, expectedVersion: 0, value: { rules: [] } });
      expect(res.status).to.equal(422);
      expect(res.body.error).to.deep.include({ code: 'SETTING_SCOPE_INVALID', message: '「设置修改权限」只能全公司统一设置，不能为某个部门单独设置' });
    });
  });

  describe('versions, restore and the value at a past moment', () => {
    let beforeAny: string;
    let betweenVersions: string;

    it('keeps every version with who, when, why and what changed', async () => {
      beforeAny = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      const v1 = await put('admin.lin', STANDARD, { scope: { customerType: 'ka' }, expectedVersion: 0, value: { ...DEFAULT_FOLLOWUP_STANDARDS.ka, minSummaryChars: 30 }, comment: 'KA 小结写具体' });
      expect(v1.status, JSON.stringify(v1.body)).to.equal(200);
      await new Promise((r) => setTimeout(r, 20));
      betweenVersions = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 20));
      const v2 = await put('admin.lin', STANDARD, { scope: { customerType: 'ka' }, expectedVersion: 1, value: { ...DEFAULT_FOLLOWUP_STANDARDS.ka, minSummaryChars: 30, minNewDocuments: 2 } });
      expect(v2.body.own.version).to.equal(2);
      const list = (await get('rep.zhao', `${STANDARD}/versions`, '?customerType=ka')).body;
      expect(list.scope.name).to.equal('全公司 · KA连锁');
      expect(list.items.map((v: any) => v.version)).to.deep.equal([2, 1]);
      expect(list.items[1]).to.deep.include({ comment: 'KA 小结写具体', changes: ['跟进小结最少字数：20 字 → 30 字'] });
      expect(list.items[1].createdBy.name).to.equal('林涛');
      expect(list.items[0].changes).to.deep.equal(['新业务文件下限：1 份 → 2 份']);
      const one = (await get('rep.zhao', `${STANDARD}/versions/1`, '?customerType=ka')).body;
      expect(one.value.minNewDocuments).to.equal(1);
    });

    it('names what a code stands for (an action type, a pipeline stage) in what changed, in the history and the notice', async () => {
      const dispatch = await put('mgr.li', 'dispatch.due-days', { scope: { departmentId: east }, expectedVersion: 0, value: { dueDays: [{ definitionCode: 'visit', dueWorkingDays: 2 }] } });
      expect(dispatch.status, JSON.stringify(dispatch.body)).to.equal(200);
      const changed = (await get('mgr.li', 'dispatch.due-days/versions', `?departmentId=${east}`)).body.items[0].changes;
      expect(changed).to.deep.equal(['各类事项的办理时限：0 项 → 1 项']);
      const v2 = await put('mgr.li', 'dispatch.due-days', { scope: { departmentId: east }, expectedVersion: 1, value: { dueDays: [{ definitionCode: 'quote', dueWorkingDays: 2 }] } });
      expect(v2.status, JSON.stringify(v2.body)).to.equal(200);
      expect((await get('mgr.li', 'dispatch.due-days/versions', `?departmentId=${east}`)).body.items[0].changes)
        .to.deep.equal(['各类事项的办理时限 · 第1项 · 事项类型：客户拜访 → 报价单生成']);
      const notices = (await outboxFor('rep.zhao')).filter((c: any) => c.textcard.title === '设置变更：派发时限');
      expect(notices.at(-1).textcard.description).to.contain('客户拜访 → 报价单生成');

      const legal = (await get('admin.lin', 'alerts.legal-review-skips')).body.value;
      const res = await put('admin.lin', 'alerts.legal-review-skips', { expectedVersion: 0, value: { ...legal, stageKey: 'solution_quote' } });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const [line] = (await get('admin.lin', 'alerts.legal-review-skips/versions')).body.items[0].changes;
      expect(line).to.match(/^阶段：商务谈判 → 方案报价$/);
    });

    it('reads the value in force at a past moment', async () => {
      expect((await get('rep.zhao', STANDARD, `?customerType=ka&at=${beforeAny}`)).body.value).to.deep.equal(DEFAULT_FOLLOWUP_STANDARDS.ka);
      const then = (await get('rep.zhao', STANDARD, `?customerType=ka&at=${betweenVersions}`)).body;
      expect(then.value).to.deep.include({ minSummaryChars: 30, minNewDocuments: 1 });
      expect(then.source.version).to.equal(1);
    });

    it('restores an earlier version as a new version, leaving the history as it was', async () => {
      const res = await api.call('POST', `/api/settings/${STANDARD}/restore`, {
        as: 'admin.lin', body: { scope: { customerType: 'ka' }, version: 1, expectedVersion: 2 },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.own).to.deep.include({ version: 3, comment: '恢复到第 1 版' });
      expect(res.body.value).to.deep.include({ minSummaryChars: 30, minNewDocuments: 1 });
      const list = (await get('admin.lin', `${STANDARD}/versions`, '?customerType=ka')).body.items;
      expect(list.map((v: any) => [v.version, v.restoredFrom])).to.deep.equal([[3, 1], [2, null], [1, null]]);
      const stale = await api.call('POST', `/api/settings/${STANDARD}/restore`, { as: 'admin.lin', body: { scope: { customerType: 'ka' }, version: 2, expectedVersion: 2 } });
      expect(stale.status).to.equal(409);
      const missing = await api.call('POST', `/api/settings/${STANDARD}/restore`, { as: 'admin.lin', body: { scope: { customerType: 'ka' }, version: 9, expectedVersion: 3 } });
      expect(missing.body.error.code).to.equal('SETTING_VERSION_NOT_FOUND');
    });

    it("clears a department's override so the company's value applies there again", async () => {
      const res = await put('mgr.li', STANDARD, { scope: { departmentId: east, customerType: 'store' }, expectedVersion: 1, value: null, comment: '统一按公司标准' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.source.kind).to.equal('default');
      expect(res.body.own).to.deep.include({ version: 2, hasValue: false });
      const cleared = (await outboxFor('rep.qian')).find((c: any) => c.textcard.description.includes('统一按公司标准'));
      expect(cleared.textcard.description).to.contain('（华东区及下级部门 · 门店）').and.contain('附件下限：2 个 → 1 个');
      const history = (await get('mgr.li', `${STANDARD}/versions`, `?customerType=store&departmentId=${east}`)).body.items;
      expect(history[0]).to.deep.include({ cleared: true });
    });
  });

  describe('preview', () => {
    it("counts last month's follow-ups in the scope that a stricter standard would turn from effective to not", async () => {
      const now = new Date();
      const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 12, 3));
      const add = async (userid: string, customer: string, attachments: number) => {
        const u = (await pool.query('SELECT id, department_id FROM users WHERE wecom_userid = $1', [userid])).rows[0];
        const c = await $().customer(customer);
        const due = new Date(lastMonth.getTime() + 3 * DAY).toISOString().slice(0, 10);
        await pool.query(
          `INSERT INTO followups (customer_id, user_id, department_id, channel, summary, payload, effective, at)
           VALUES ($1,$2,$3,'other','检查了冰柜陈列和价签，补齐了缺货单品。',$4,true,$5)`,
          [c.id, u.id, u.department_id, JSON.stringify({ actionItems: [{ text: '周五前补拍堆头照片', dueDate: due }], attachmentIds: Array(attachments).fill(1), newDocuments: 0 }), lastMonth]);
      };
      await add('rep.zhao', '罗森静安寺店', 1);
      await add('rep.qian', '好德便利虹口店', 2);
      await add('rep.zhou', '7-ELEVEn 国贸店', 1);
      const before = await versions();
      const res = await api.call('POST', `/api/settings/${STANDARD}/preview`, {
        as: 'mgr.li', body: { scope: { departmentId: east, customerType: 'store' }, value: { ...storeDefault, minAttachments: 2 } },
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.available).to.equal(true);
      expect(res.body.summary).to.match(/门店客户跟进共 2 条，按新标准 1 条将由有效变为无效，0 条由无效变为有效/);
      expect(res.body.lines).to.have.length(1);
      expect(res.body.lines[0]).to.contain('赵磊 · 罗森静安寺店').and.contain('有效 → 无效');
      expect(await versions()).to.equal(before);
      const company = await api.call('POST', `/api/settings/${STANDARD}/preview`, {
        as: 'admin.lin', body: { scope: { customerType: 'store' }, value: { ...storeDefault, minAttachments: 2 } },
      });
      expect(company.body.summary).to.match(/共 3 条，按新标准 2 条将由有效变为无效/);
      expect((await api.call('POST', `/api/settings/${STANDARD}/preview`, {
        as: 'mgr.li', body: { scope: { customerType: 'store' }, value: storeDefault },
      })).status).to.equal(403);
    });
  });

  describe('permissions as a setting', () => {
    it("takes a manager's right away by editing the permission setting, itself versioned", async () => {
      const perms = (await get('admin.lin', 'settings.permissions')).body;
      const rules = perms.value.rules.map((r: any) => (r.setting === STANDARD ? { ...r, ownDepartment: [] } : r));
      const res = await put('admin.lin', 'settings.permissions', { expectedVersion: 0, value: { rules }, comment: '标准统一由总部定' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const denied = await put('mgr.li', STANDARD, { scope: { departmentId: east, customerType: 'store' }, expectedVersion: 2, value: storeDefault });
      expect(denied.status).to.equal(403);
      expect((await get('mgr.li', STANDARD, `?customerType=store&departmentId=${east}`)).body.editable).to.equal(false);
      const back = await put('admin.lin', 'settings.permissions', { expectedVersion: 1, value: null, comment: '恢复默认权限' });
      expect(back.status, JSON.stringify(back.body)).to.equal(200);
      expect((await get('mgr.li', STANDARD, `?customerType=store&departmentId=${east}`)).body.editable).to.equal(true);
    });

    it('refuses to take the admins\' right to edit permissions away', async () => {
      const perms = (await get('admin.lin', 'settings.permissions')).body;
      const rules = perms.value.rules.map((r: any) => (r.setting === 'settings.permissions' ? { ...r, organisation: ['director'] } : r));
      const res = await put('admin.lin', 'settings.permissions', { expectedVersion: 2, value: { rules } });
      expect(res.status).to.equal(400);
      expect(res.body.error.details[0].message).to.contain('管理员必须保留');
    });
  });
});
