import { expect } from 'chai';
import { migrate } from '../../../core/db/migrate.js';
import { createPool } from '../../../core/db/pool.js';
import { logger } from '../../../core/logger.js';
import { emptyDatabase } from '../../support/database.js';

describe('migration 010: decision roles onto the buying centre', () => {
  it('maps champion → 影响者+支持+内线, unknown → no role, a purchasing gatekeeper → 采购者, and the visit labels onto the six', async () => {
    const { url } = await emptyDatabase();
    const pool = createPool(url, 2);
    try {
      await migrate(pool, logger, { before: '010_buying_centre.sql' });
      const { rows: [c] } = await pool.query(`INSERT INTO customers (name, type) VALUES ('旧客户', 'hospital') RETURNING id`);
      const roles = ['decision_maker', 'influencer', 'user', 'gatekeeper', 'gatekeeper', 'champion', 'unknown', null];
      const titles = ['院长', '主任', '护士长', '财务主管', '采购专员', '科员', '司机', '门卫'];
      for (const [i, role] of roles.entries()) {
        await pool.query('INSERT INTO contacts (customer_id, name, title, decision_role) VALUES ($1, $2, $3, $4)', [c.id, `人${i}`, titles[i], role]);
      }
      const { rows: [u] } = await pool.query(`INSERT INTO users (wecom_userid, name, role) VALUES ('u1', '赵', 'rep') RETURNING id`);
      const oldOptions = ['决策人', '采购负责人', '使用部门', '技术把关', '财务把关', '内部支持者'];
      const rules = [{ id: 'visit.fields', kind: 'fields.required', fields: [
        { key: 'decisionRole', label: '决策链角色', type: 'enum', options: oldOptions }, { key: 'nextContactAt', label: '下次接触时间' }] }];
      const { rows: [d] } = await pool.query(
        `INSERT INTO action_definitions (code, version, name, kind, rules) VALUES ('visit_old', 1, '拜访', 'visit', $1) RETURNING id`, [JSON.stringify(rules)]);
      const { rows: [a] } = await pool.query(
        `INSERT INTO actions (definition_id, definition_code, definition_version, title, customer_id, assignee_id, assigner_id, due_at)
         VALUES ($1, 'visit_old', 1, '拜访', $2, $3, $3, now()) RETURNING id`, [d.id, c.id, u.id]);
      await pool.query(`INSERT INTO action_drafts (action_id, payload, updated_by) VALUES ($1, '{"fields":{"decisionRole":"技术把关"}}', $2)`, [a.id, u.id]);
      await pool.query(`INSERT INTO submissions (action_id, kind, payload, outcome, definition_id, definition_version, submitted_by)
        VALUES ($1, 'visit_report', '{"fields":{"decisionRole":"内部支持者"}}', 'accepted', $2, 1, $3)`, [a.id, d.id, u.id]);

      await migrate(pool, logger);

      const { rows } = await pool.query('SELECT title, buying_role, attitude, is_coach FROM contacts ORDER BY id');
      expect(rows.map((r) => [r.title, r.buying_role, r.attitude, r.is_coach])).to.deep.equal([
        ['院长', 'decider', null, false], ['主任', 'influencer', null, false], ['护士长', 'user', null, false],
        ['财务主管', 'gatekeeper', null, false], ['采购专员', 'buyer', null, false], ['科员', 'influencer', 'support', true],
        ['司机', null, null, false], ['门卫', null, null, false],
      ]);
      const { rows: [def] } = await pool.query('SELECT rules FROM action_definitions WHERE id = $1', [d.id]);
      expect(def.rules[0].fields[0].options).to.deep.equal(['发起者', '使用者', '影响者', '决策者', '采购者', '把关者']);
      expect(def.rules[0].fields[1]).to.deep.equal({ key: 'nextContactAt', label: '下次接触时间' });
      expect((await pool.query('SELECT payload FROM action_drafts')).rows[0].payload.fields.decisionRole).to.equal('影响者');
      expect((await pool.query('SELECT payload FROM submissions')).rows[0].payload.fields.decisionRole).to.equal('影响者');
    } finally {
      await pool.end();
    }
  });
});
